import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../auth/access.decorators.js';

/**
 * One line per request, built from an allow-list: method, route pattern (not
 * the URL: a query could carry content), status and duration. Staff requests
 * add who made them; partner requests the partner. Nothing about public
 * callers: no address, user agent, referrer, body or query, ever.
 */
export function registerRequestLog(
  fastify: FastifyInstance,
  logger: Logger,
  observe?: (method: string, route: string, status: number, seconds: number) => void,
): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const r = request as AuthenticatedRequest;
    const route = request.routeOptions.url ?? '(unmatched)';
    observe?.(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const line: Record<string, unknown> = {
      method: request.method,
      route,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (r.principal)
      line.staff = {
        id: r.principal.analystId,
        username: r.principal.username,
        role: r.principal.role,
      };
    if (r.partner) line.partner = { id: r.partner.partnerId, key: r.partner.keyId };
    logger.info(line, 'request');
    done();
  });
}
