import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { arrivedOn } from './listeners.js';

/** A request target that can go into a header as is (no spaces, controls or raw non-ASCII). */
const HEADER_SAFE = /^\/[\x21-\x7e]*$/;

/**
 * Public pages tell Tor Browser where their onion is: `Onion-Location:
 * <origin><path and query>`, as Tor's documentation does it. Only HTML pages
 * (the header means nothing on an API answer), never on the onion itself or
 * the staff listener.
 */
export function registerOnionLocation(fastify: FastifyInstance, origin: string): void {
  fastify.addHook(
    'onSend',
    async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const type = reply.getHeader('content-type');
      const listener = arrivedOn(request);
      if (
        typeof type === 'string' &&
        /^text\/html\b/i.test(type) &&
        (listener === 'main' || listener === 'public') &&
        HEADER_SAFE.test(request.url)
      ) {
        reply.header('Onion-Location', `${origin}${request.url}`);
      }
      return payload;
    },
  );
}
