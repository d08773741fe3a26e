import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './http-errors.js';

/** Global filter: every error leaves through `mapError`, in one JSON shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body, retryAfterSeconds } = mapError(exception);
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    // Answering before the whole body arrived (an upload refused mid-stream):
    // the rest of that body must not be read as the client's next request.
    if (!request.raw.complete) reply.header('Connection', 'close');
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
