import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_KEY, type Access } from '../../src/common/auth/access.decorators.js';
import {
  declaredListener,
  type RouteListener,
} from '../../src/common/listeners/served-on.decorator.js';

export interface RouteInfo {
  label: string;
  method: string;
  path: string;
  access: Access | undefined;
  /** The listener it is served on when split (`@ServedOn`). */
  listener: RouteListener | undefined;
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/')}`;
}

/** Every route the application registered, with the access and listener it declares. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const method =
          RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? '?';
        const full = joinPath([base ?? ''].flat()[0]!, [path].flat()[0]!);
        const access =
          (Reflect.getMetadata(ACCESS_KEY, handler) as Access | undefined) ??
          (Reflect.getMetadata(ACCESS_KEY, controller) as Access | undefined);
        routes.push({
          label: `${method} ${full}`,
          method,
          path: full,
          access,
          listener: declaredListener(handler),
        });
      }
    }
  }
  return routes.sort((a, b) => a.label.localeCompare(b.label));
}
