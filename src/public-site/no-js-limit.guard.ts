import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { addressTracker } from '../common/rate-limit/address-tracker.js';
import { arrivedOn } from '../common/listeners/listeners.js';
import { AppError } from '../common/app-error.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { SERVER_SECRET } from '../config/server-secret.js';

const HOUR_MS = 3_600_000;

/**
 * The stricter per-address limit of the form path without proof of work
 * (SITE_NOJS_RATE_LIMIT an hour). Like the public rate-limit guard, it keys
 * the counter (memory or Redis, with a TTL) by an HMAC of the address: the
 * address itself is never kept, and the handler never sees it.
 */
@Injectable()
export class NoJsLimitGuard implements CanActivate {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // On the onion every visitor arrives from the Tor daemon: one address for
    // all of them. There the form token, minimum time and honeypot stand alone
    // (and ONION_RATE_LIMIT caps the listener as a whole).
    if (arrivedOn(request) === 'onion') return true;
    const address = addressTracker(this.secret, request.ip);
    const window = await this.counters.hit(`site-nojs:${address}`, HOUR_MS);
    if (window.count > this.config.publicSite.noJsPerHour) {
      throw new AppError(
        'rate_limited',
        429,
        'Too many requests; slow down.',
        undefined,
        Math.max(1, Math.ceil(window.resetMs / 1000)),
      );
    }
    return true;
  }
}
