import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule, type AppRuntime } from './app.module.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { setupSwaggerUi } from './common/openapi/swagger-ui.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { registerRequestLog } from './common/logging/request-log.js';
import { Metrics } from './metrics/metrics.service.js';

/** Request bodies above this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds the HTTP application (Fastify) with everything a request goes
 * through: security headers, strict JSON parsing, validation, the error shape.
 * Shared by `main.ts` and the end-to-end tests.
 */
export async function createApp(runtime: AppRuntime): Promise<NestFastifyApplication> {
  const logger = runtime.logger ?? createLogger(runtime.config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own request log would record addresses and URLs: off (see request-log.ts).
    logger: false,
    // X-Forwarded-For counts only when it comes from a configured proxy.
    trustProxy: runtime.config.trustedProxies.length > 0 ? runtime.config.trustedProxies : false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(runtime),
    adapter,
    // Fastify's own JSON parser (secure-json-parse: rejects __proto__) is the only
    // body parser: no urlencoded, no text/plain, so anything but JSON is 415.
    { logger: new PinoNestLogger(logger), bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
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

  // JSON only: a text/plain body is 415, not a string handed to validation.
  fastify.removeContentTypeParser(['text/plain']);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    hsts: { maxAge: 63_072_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // Streaming uploads (attachments); limits are set per request by the handlers.
  await app.register(multipart, { throwFileSizeLimit: true });
  fastify.addHook('onSend', async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // Only the public site's content-hashed assets set their own (long) caching.
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  // API documentation (Swagger UI at /docs, the document at /docs-json): never in production.
  if (!runtime.config.production) await setupSwaggerUi(app);

  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  await app.init();
  return app;
}
