import { SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createOpenApiDocument } from './document.js';

export const SWAGGER_UI_PATH = '/docs';

/**
 * What Swagger UI needs and nothing more: its own scripts and styles (it
 * injects inline styles), data: images (icons) and same-origin calls for
 * "Try it out". Every other response keeps `default-src 'none'`.
 */
const SWAGGER_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function isSwaggerUiUrl(url: string): boolean {
  return (
    url === SWAGGER_UI_PATH ||
    url.startsWith(`${SWAGGER_UI_PATH}/`) ||
    url.startsWith(`${SWAGGER_UI_PATH}?`)
  );
}

/**
 * Serves Swagger UI at /docs and the live document at /docs-json and
 * /docs-yaml, straight on Fastify (not Nest controllers: the access guard and
 * the route inventory do not see them). Development and test only: the caller
 * must not call this in production. The document is built on first request.
 */
export function setupSwaggerUi(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (isSwaggerUiUrl(request.url)) reply.header('Content-Security-Policy', SWAGGER_UI_CSP);
      return payload;
    });
  SwaggerModule.setup(SWAGGER_UI_PATH, app, () => createOpenApiDocument(app), {
    customSiteTitle: 'Tipline API',
  });
}
