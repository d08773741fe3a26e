import multipart from '@fastify/multipart';
import type { SecurityHeadersOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { resolveSecurityHeaders } from '@nestjs/core/security/security-headers.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './common/app-error.js';
import { mapError } from './common/http-errors.js';
import { AppModule, type AppRuntime } from './app.module.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { setupSwaggerUi } from './common/openapi/swagger-ui.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { registerRequestLog } from './common/logging/request-log.js';
import { MetricsService } from './metrics/metrics.service.js';
import { attachListeners, ListenerServers } from './common/listeners/listeners.js';
import { registerOnionLocation } from './common/listeners/onion-location.js';
import { SWAGGER_UI_PATH } from './common/openapi/swagger-ui.js';

/** Request bodies above this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Our security headers, on every response: Nest's own (`useSecurityHeaders`,
 * helmet's names and defaults), worked out once and set by the adapter's
 * security hook, which runs for unmatched targets too. It replaced helmet run
 * per request by @fastify/helmet (2 to 4 % of the main thread under intake
 * load in the bench's profile).
 */
const SECURITY_HEADERS: SecurityHeadersOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};
/** The same, for the router's own errors, which our handler below answers (no hook runs). */
const FRAMEWORK_ERROR_HEADERS = resolveSecurityHeaders(SECURITY_HEADERS).headers;

/**
 * Errors Fastify raises before any route or hook runs (a bad percent-encoding,
 * a parameter over the length limit): answered in our shape, with our headers,
 * without echoing the path as Fastify's own body would.
 */
function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 404 : 400;
  const { body } = mapError(
    new AppError(
      tooLong ? 'not_found' : 'bad_request',
      status,
      tooLong ? 'Not found.' : 'The request URL is invalid.',
    ),
  );
  for (const [name, value] of FRAMEWORK_ERROR_HEADERS) reply.raw.setHeader(name, value);
  void reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(body);
}

/**
 * A body that is not a multipart upload must arrive whole within `ms`; a
 * client that trickles one (slowloris) loses its connection. Uploads are
 * bounded by the idle timeout instead, so slow links still get through.
 */
function bodyDeadline(fastify: FastifyInstance, ms: number): void {
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw;
    const type = raw.headers['content-type'] ?? '';
    if (raw.complete || /^multipart\/form-data/i.test(type)) return done();
    const timer = setTimeout(() => {
      // Destroying the request closes its socket.
      if (!raw.complete) raw.destroy();
    }, ms);
    timer.unref();
    timers.set(request, timer);
    raw.once('end', () => clearTimeout(timer));
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    clearTimeout(timers.get(request));
    done();
  });
}

/**
 * Builds the HTTP application (Fastify) with everything a request goes
 * through: security headers, strict JSON parsing, validation, the error shape.
 * Shared by `main.ts` and the end-to-end tests.
 */
export async function createApp(runtime: AppRuntime): Promise<NestFastifyApplication> {
  const logger = runtime.logger ?? createLogger(runtime.config.logLevel);
  const listeners = new ListenerServers(runtime.config);
  const adapter = new FastifyAdapter({
    // One server per listener, all feeding this Fastify (src/common/listeners/listeners.ts).
    serverFactory: listeners.serverFactory,
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own request log would record addresses and URLs: off (see request-log.ts).
    logger: false,
    // X-Forwarded-For counts only when it comes from a configured proxy.
    trustProxy: runtime.config.trustedProxies.length > 0 ? runtime.config.trustedProxies : false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A socket that sends nothing for this long is closed: a stalled client
    // (mid-upload, mid-body, idle keep-alive) holds no socket or memory past
    // it. Idle time, not total: a slow upload that keeps sending succeeds.
    connectionTimeout: runtime.config.httpIdleTimeoutMs,
    keepAliveTimeout: Math.min(5000, runtime.config.httpIdleTimeoutMs),
    // No bound on a whole request: an upload at 100 KB/s takes minutes.
    // Bodies that are not uploads get BODY_TIMEOUT_S (below).
    requestTimeout: 0,
    frameworkErrors: frameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ ...runtime, logger }),
    adapter,
    // Fastify's own JSON parser (secure-json-parse: rejects __proto__) is the only
    // body parser: no urlencoded, no text/plain, so anything but JSON is 415.
    { logger: new PinoNestLogger(logger), bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  registerRequestLog(fastify, logger, (method, route, status, seconds) => {
    const labels = { method, route, status: String(status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
  });
  if (runtime.config.corsOrigins.length > 0) {
    app.enableCors({
      origin: runtime.config.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Tipline-Pow'],
      credentials: false,
      maxAge: 600,
    });
  }

  bodyDeadline(fastify, runtime.config.bodyTimeoutMs);

  // JSON only: a text/plain body is 415, not a string handed to validation.
  fastify.removeContentTypeParser(['text/plain']);

  app.useSecurityHeaders(SECURITY_HEADERS);
  // Streaming uploads (attachments); limits are set per request by the handlers.
  await app.register(multipart, { throwFileSizeLimit: true });
  // After the security headers (the adapter's hook: on every answer, also a wrong-listener 404),
  // before any route. Swagger UI and its document describe the staff API: staff listener.
  listeners.register(fastify, [{ prefix: SWAGGER_UI_PATH, listener: 'staff' }]);
  fastify.addHook('onSend', async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // Only the public site's content-hashed assets set their own (long) caching.
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
  if (runtime.config.onionLocation !== undefined) {
    registerOnionLocation(fastify, runtime.config.onionLocation);
  }

  // API documentation (Swagger UI at /docs, the document at /docs-json): never in production.
  if (!runtime.config.production) setupSwaggerUi(app);

  app.useGlobalPipes(createValidationPipe());
  // No enableShutdownHooks(): signals are handled by src/lifecycle/shutdown.ts, which closes
  // the application before the embedded database (main.ts); tests close the app themselves.
  await app.init();
  // Listen with listenersOf(app).listen(...) (main.ts), which also starts the other servers.
  attachListeners(app, listeners);
  return app;
}
