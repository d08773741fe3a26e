import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerFactory } from 'fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig, ListenAddress, ListenPlan } from '../../config/environment.js';
import { LISTENER_CONFIG_KEY, type RouteListener } from './served-on.decorator.js';

/** A socket the service listens on: `main` when not split, else one per configured side. */
export type ListenerName = 'main' | keyof ListenPlan;

const ARRIVED_ON = Symbol('tipline.arrivedOn');
type Tagged = IncomingMessage & { [ARRIVED_ON]?: ListenerName };

/** The listener a request came in on (`main` for one not split, or injected in tests). */
export function arrivedOn(request: FastifyRequest): ListenerName {
  return (request.raw as Tagged)[ARRIVED_ON] ?? 'main';
}

/** Whether a listener serves routes of this class; undeclared routes only when not split. */
export function serves(
  listener: ListenerName,
  route: RouteListener | undefined,
  partnerListener: AppConfig['partnerListener'],
): boolean {
  if (listener === 'main') return true;
  const side = listener === 'staff' ? 'staff' : 'public';
  if (route === 'partner') return partnerListener === side;
  return route === side;
}

/** What Fastify's options say about the servers it would make. */
interface ServerOptions {
  http?: object;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

/** A plugin's routes (served straight by Fastify, not Nest controllers) and their listener. */
export interface PluginRoutes {
  prefix: string;
  listener: RouteListener;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  listener: RouteListener | undefined;
}

/**
 * The HTTP servers of one application: one per listener, all feeding the same
 * Fastify routing, each tagging its requests with its name so that a hook can
 * refuse a route on the wrong one. Fastify owns one server (`serverFactory`
 * returns the first); the others are plain `http.Server`s with Fastify's
 * handler, so every request, whichever socket it came in on, goes through the
 * same hooks, guards, filters and error shape.
 *
 * Why not something else: Nest's Fastify adapter drives exactly one server;
 * `fastify.listen` binds several addresses only for `localhost`; two Nest
 * applications would double the database pools and workers.
 */
export class ListenerServers {
  readonly names: ListenerName[];
  /** Every route Fastify registered, with its listener (the route inventory test reads it). */
  readonly routes: RegisteredRoute[] = [];
  private readonly servers = new Map<ListenerName, Server>();
  private closing?: Promise<void>;

  constructor(private readonly config: AppConfig) {
    const plan = config.listen;
    this.names =
      Object.keys(plan).length === 0
        ? ['main']
        : (['public', 'onion', 'staff'] as const).filter((n) => plan[n] !== undefined);
  }

  get split(): boolean {
    return this.names[0] !== 'main';
  }

  /** For `new FastifyAdapter({ serverFactory })`: builds every server, hands Fastify the first. */
  readonly serverFactory: FastifyServerFactory = (handler, fastifyOptions) => {
    const options = fastifyOptions as unknown as ServerOptions;
    const make = (name: ListenerName): Server => {
      const server = createServer(options.http ?? {}, (req, res) => {
        (req as Tagged)[ARRIVED_ON] = name;
        handler(req, res);
      });
      // What Fastify sets on a server it makes itself.
      server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
      server.requestTimeout = options.requestTimeout ?? 0;
      server.setTimeout(options.connectionTimeout ?? 0);
      return server;
    };
    const main = this.names[0]!;
    // Called again only by Fastify's own `listen('localhost')` for its second address.
    if (this.servers.has(main)) return make(main);
    for (const name of this.names) this.servers.set(name, make(name));
    return this.servers.get(main)!;
  };

  /**
   * Hooks: a route on the wrong listener is answered by the not-found handler
   * (exactly what an unknown route gets); the other servers close with the
   * application. Call before any route is registered (the inventory).
   */
  register(fastify: FastifyInstance, plugins: PluginRoutes[] = []): void {
    const routes = this.routes;
    fastify.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as Record<string, unknown>;
      let listener = config[LISTENER_CONFIG_KEY] as RouteListener | undefined;
      if (listener === undefined) {
        listener = plugins.find((p) => route.url.startsWith(p.prefix))?.listener;
        if (listener !== undefined) {
          route.config = { ...config, [LISTENER_CONFIG_KEY]: listener } as typeof route.config;
        }
      }
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, listener });
    });
    if (this.split) {
      const partner = this.config.partnerListener;
      fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
        if (request.is404) return done();
        const config = request.routeOptions.config as unknown as Record<string, unknown>;
        const route = config[LISTENER_CONFIG_KEY] as RouteListener | undefined;
        if (serves(arrivedOn(request), route, partner)) return done();
        reply.callNotFound();
      });
    }
    const others = () => [...this.servers.entries()].filter(([n]) => n !== this.names[0]);
    fastify.addHook('preClose', (done) => {
      this.closing = Promise.all(
        others().map(
          ([, server]) =>
            new Promise<void>((resolve) => {
              if (!server.listening) return resolve();
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        ),
      ).then(() => undefined);
      done();
    });
    fastify.addHook('onClose', async () => {
      await this.closing;
    });
  }

  /**
   * Listens on every configured address. `listenMain` starts Fastify's own
   * server (Nest's `app.listen`); the others copy its timeouts, which may have
   * been set on it after it was made.
   */
  async listen(
    listenMain: (address: ListenAddress) => Promise<unknown>,
  ): Promise<{ name: ListenerName; url: string }[]> {
    const addressOf = (name: ListenerName): ListenAddress =>
      name === 'main'
        ? { host: this.config.host, port: this.config.port }
        : this.config.listen[name]!;
    const main = this.servers.get(this.names[0]!)!;
    await listenMain(addressOf(this.names[0]!));
    for (const [name, server] of this.servers) {
      if (server === main) continue;
      server.requestTimeout = main.requestTimeout;
      server.headersTimeout = main.headersTimeout;
      server.keepAliveTimeout = main.keepAliveTimeout;
      server.timeout = main.timeout;
      server.maxRequestsPerSocket = main.maxRequestsPerSocket;
      const { host, port } = addressOf(name);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    return this.names.map((name) => {
      const address = this.servers.get(name)!.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { name, url: `http://${host}:${address.port}` };
    });
  }

  /** Every listener's server (one when the routes are not split). */
  all(): Server[] {
    return [...new Set(this.servers.values())];
  }

  /** The server of one listener (tests use it with supertest). */
  server(name: ListenerName): Server | undefined {
    return this.servers.get(name);
  }
}

const attached = new WeakMap<object, ListenerServers>();

/** Links an application to its listeners (Nest's application object takes no new properties). */
export function attachListeners(app: object, listeners: ListenerServers): void {
  attached.set(app, listeners);
}

/** The listeners of an application made by `createApp`. */
export function listenersOf(app: object): ListenerServers {
  const listeners = attached.get(app);
  if (listeners === undefined) throw new Error('not an application made by createApp');
  return listeners;
}
