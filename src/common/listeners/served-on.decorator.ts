import { PATH_METADATA } from '@nestjs/common/constants.js';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';

/**
 * Which listener serves a route when the service runs split (PUBLIC_LISTEN
 * and STAFF_LISTEN): `public` (the submitters' side, also the onion),
 * `staff` (staff, admin, audit, operations), or `partner` (wherever
 * PARTNER_LISTENER says).
 */
export const ROUTE_LISTENERS = ['public', 'staff', 'partner'] as const;
export type RouteListener = (typeof ROUTE_LISTENERS)[number];

/** Key of the Fastify route config (`request.routeOptions.config`) holding the route's listener. */
export const LISTENER_CONFIG_KEY = 'tiplineListener';

type RouteConfig = Record<string, unknown>;

function declare(handler: object, listener: RouteListener, override: boolean): void {
  const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as RouteConfig;
  if (!override && config[LISTENER_CONFIG_KEY] !== undefined) return;
  // Nest's Fastify adapter hands this metadata to Fastify as the route's `config`.
  Reflect.defineMetadata(
    FASTIFY_ROUTE_CONFIG_METADATA,
    { ...config, [LISTENER_CONFIG_KEY]: listener },
    handler,
  );
}

/**
 * Declares the listener of a route, or (on a controller) of each of its
 * routes that does not declare its own. A route that declares none is served
 * on no listener of a split service, and the route inventory test fails on it.
 */
export function ServedOn(listener: RouteListener): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor !== undefined) {
      declare(descriptor.value as object, listener, true);
      return;
    }
    // Method decorators ran before this class decorator: theirs win.
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      declare(handler, listener, false);
    }
  };
}

/** The listener a route handler declares (through `@ServedOn`), if any. */
export function declaredListener(handler: object): RouteListener | undefined {
  const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as
    RouteConfig | undefined;
  return config?.[LISTENER_CONFIG_KEY] as RouteListener | undefined;
}
