import {
  applyDecorators,
  Inject,
  Injectable,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  Throttle,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { SERVER_SECRET } from '../../config/server-secret.js';
import { AppError } from '../app-error.js';
import { ACCESS_KEY, type Access } from '../auth/access.decorators.js';
import { APP_CONFIG } from '../../config/app-config.token.js';
import type { AppConfig } from '../../config/environment.js';
import { arrivedOn } from '../listeners/listeners.js';
import { addressTracker } from './address-tracker.js';
import { MemoizedReflector } from './memoized-reflector.js';

/** The general limit on every public route, per address per minute. */
export const PUBLIC_THROTTLER = 'public';
/** Receipt guessing: a stricter count shared by the routes that take a receipt. */
export const RECEIPT_THROTTLER = 'receipt';
/** Routes with their own limit instead of the general one (health probes). */
export const HEALTH_THROTTLER = 'health';
export const PUBLIC_WINDOW_MS = 60_000;
const RECEIPT_LIMIT_KEY = 'tipline:receipt-limit';

export interface AddressLimit {
  limit: number;
  windowMs: number;
}

/**
 * A stricter per-address limit on a public route that takes a receipt, on top
 * of the general one. Handlers never see the address: the guard counts it.
 */
export const LimitPerAddress = (limit: AddressLimit): MethodDecorator =>
  applyDecorators(
    SetMetadata(RECEIPT_LIMIT_KEY, true),
    Throttle({ [RECEIPT_THROTTLER]: { limit: limit.limit, ttl: limit.windowMs } }),
  );

const OWN_LIMIT_KEY = 'tipline:own-address-limit';

/**
 * Instead of the general public limit, the probes' own (HEALTH_RATE_LIMIT per
 * address per minute): a load balancer probes often, from one address.
 */
export const OwnLimitPerAddress = (): ClassDecorator & MethodDecorator =>
  SetMetadata(OWN_LIMIT_KEY, true);

/**
 * `@nestjs/throttler` on every public route (staff and partner routes have
 * their own limits). The address is the one Fastify resolved: X-Forwarded-For
 * counts only from TRUSTED_PROXIES, so it cannot be used to dodge the limit.
 * The tracker is an HMAC of the address: the store (memory or Redis, with a
 * TTL) never holds an address, and nothing reaches PostgreSQL or the logs.
 * One count per address across all public routes (not per route, the
 * throttler's default key), as before.
 *
 * On the onion listener every request comes from the Tor daemon, so an
 * address means nothing there: one counter for all onion users
 * (ONION_RATE_LIMIT), or none; proof of work carries the abuse control.
 */
@Injectable()
export class PublicRateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, new MemoizedReflector());
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return Promise.resolve(access?.kind !== 'public');
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const onion =
      arrivedOn(request.context.switchToHttp().getRequest<FastifyRequest>()) === 'onion';
    const own = this.declaresOwnLimit(request);
    if (request.throttler.name === RECEIPT_THROTTLER) {
      // Counts only on routes that ask for it, and never per "address" on the onion.
      if (onion || !this.declaresReceiptLimit(request)) return Promise.resolve(true);
    } else if (request.throttler.name === HEALTH_THROTTLER) {
      if (onion || !own) return Promise.resolve(true);
    } else if (own) {
      return Promise.resolve(true); // its own limit replaces the general one
    } else if (onion) {
      const limit = this.config.onionRateLimit;
      return limit > 0 ? super.handleRequest({ ...request, limit }) : Promise.resolve(true);
    }
    return super.handleRequest(request);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as FastifyRequest;
    if (arrivedOn(request) === 'onion') return Promise.resolve('onion');
    return Promise.resolve(addressTracker(this.secret, request.ip));
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new AppError(
      'rate_limited',
      429,
      'Too many requests; slow down.',
      undefined,
      Math.max(1, detail.timeToBlockExpire),
    );
  }

  private declaresOwnLimit({ context }: ThrottlerRequest): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(OWN_LIMIT_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  private declaresReceiptLimit({ context }: ThrottlerRequest): boolean {
    return (
      this.reflector.get<boolean | undefined>(RECEIPT_LIMIT_KEY, context.getHandler()) === true
    );
  }
}
