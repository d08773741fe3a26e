import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createHmac } from 'node:crypto';
import { APP_CONFIG } from '../../config/app-config.token.js';
import type { AppConfig } from '../../config/environment.js';
import { SERVER_SECRET } from '../../crypto/crypto.module.js';
import { AppError } from '../app-error.js';
import { ACCESS_KEY, type Access } from '../auth/access.decorators.js';
import type { CounterStore } from './counter-store.js';
import { COUNTER_STORE } from './rate-limit.module.js';

const WINDOW_MS = 60_000;

/**
 * Per-address limit on every public route (staff and partner routes have
 * their own). The address is the one Fastify resolved: X-Forwarded-For counts
 * only from TRUSTED_PROXIES, so it cannot be used to dodge the limit. The
 * counter key is an HMAC of the address: the store (memory or Redis, with a
 * TTL) never holds an address, and nothing reaches PostgreSQL or the logs.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind !== 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = `public:${createHmac('sha256', this.secret).update(`addr:${request.ip}`).digest('base64url')}`;
    const window = await this.counters.hit(key, WINDOW_MS);
    if (window.count > this.config.publicRateLimit) {
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
