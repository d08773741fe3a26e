import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from '../common/http-errors.js';
import { chooseLanguage, type Lang } from './messages.js';
import { SiteRenderer } from './site-renderer.js';

export function siteErrorMessage(renderer: SiteRenderer, lang: Lang, status: number): string {
  const key =
    status === 404
      ? 'errors.notFound'
      : status === 413
        ? 'errors.tooLarge'
        : status === 429
          ? 'errors.rateLimited'
          : status === 503
            ? 'errors.unavailable'
            : 'errors.generic';
  return renderer.t(lang, key);
}

/**
 * Errors on the site's routes (a guard's 429, a 413 mid-upload, a 404) become
 * a page in the person's language, with the same status and Retry-After the
 * API would give. Like the API's filter, it never echoes what was sent.
 */
@Injectable()
@Catch()
export class SiteExceptionFilter implements ExceptionFilter {
  constructor(private readonly renderer: SiteRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, retryAfterSeconds } = mapError(exception);
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    if (!request.raw.complete) reply.header('Connection', 'close');
    const query = request.query as Record<string, unknown> | undefined;
    const lang = chooseLanguage(query?.lang, request.headers['accept-language']);
    this.renderer.send(reply, status, 'error', {
      lang,
      path: '/',
      title: this.renderer.t(lang, 'error.heading'),
      message: siteErrorMessage(this.renderer, lang, status),
    });
  }
}
