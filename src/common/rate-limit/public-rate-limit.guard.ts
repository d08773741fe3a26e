import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
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

export const ADDRESS_LIMIT_KEY = 'tipline:address-limit';

export interface AddressLimit {
  /** Counter name, e.g. `receipt`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * A stricter per-address limit on one public route, on top of the general one
 * (receipt guessing). Handlers never see the address: the guard counts it.
 */
export const LimitPerAddress = (limit: AddressLimit): MethodDecorator =>
  SetMetadata(ADDRESS_LIMIT_KEY, limit);

export const OWN_ADDRESS_LIMIT_KEY = 'tipline:own-address-limit';

/**
 * Instead of the general public limit, this limit alone (health probes: a
 * load balancer probes often, from one address).
 */
export const OwnLimitPerAddress = (limit: AddressLimit): ClassDecorator & MethodDecorator =>
  SetMetadata(OWN_ADDRESS_LIMIT_KEY, limit);

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
    const address = createHmac('sha256', this.secret)
      .update(`addr:${request.ip}`)
      .digest('base64url');
    const own = this.reflector.getAllAndOverride<AddressLimit | undefined>(OWN_ADDRESS_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (own) {
      await this.count(`${own.name}:${address}`, own.windowMs, own.limit);
      return true;
    }
    await this.count(`public:${address}`, WINDOW_MS, this.config.publicRateLimit);
    const extra = this.reflector.get<AddressLimit | undefined>(
      ADDRESS_LIMIT_KEY,
      context.getHandler(),
    );
    if (extra) await this.count(`${extra.name}:${address}`, extra.windowMs, extra.limit);
    return true;
  }

  private async count(key: string, windowMs: number, limit: number): Promise<void> {
    const window = await this.counters.hit(key, windowMs);
    if (window.count > limit) {
      throw new AppError(
        'rate_limited',
        429,
        'Too many requests; slow down.',
        undefined,
        Math.max(1, Math.ceil(window.resetMs / 1000)),
      );
    }
  }
}
