import { Logger } from '@nestjs/common';
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
 * Whether Swagger UI's static assets can be served: SwaggerModule loads
 * @fastify/static for them, and exits the process when that fails. It fails
 * only where CommonJS cannot require its ES-module dependencies (Jest's module
 * runtime before Node 24.9); `node` itself loads it.
 */
async function canServeAssets(): Promise<boolean> {
  try {
    await import('@fastify/static');
    return true;
  } catch {
    return false;
  }
}

/**
 * Serves Swagger UI at /docs and the live document at /docs-json and
 * /docs-yaml, straight on Fastify (not Nest controllers: the access guard and
 * the route inventory do not see them). Development and test only: the caller
 * must not call this in production. The document is built on first request.
 */
export async function setupSwaggerUi(app: NestFastifyApplication): Promise<void> {
  const ui = await canServeAssets();
  if (!ui) {
    new Logger('OpenAPI').warn(
      `Swagger UI is off: @fastify/static cannot be loaded here; ${SWAGGER_UI_PATH}-json still serves the document.`,
    );
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (isSwaggerUiUrl(request.url)) reply.header('Content-Security-Policy', SWAGGER_UI_CSP);
      return payload;
    });
  SwaggerModule.setup(SWAGGER_UI_PATH, app, () => createOpenApiDocument(app), {
    ui,
    customSiteTitle: 'Tipline API',
  });
}
