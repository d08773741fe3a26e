import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error.js';
import {
  ACCESS_KEY,
  type Access,
  type AuthenticatedRequest,
} from '../common/auth/access.decorators.js';
import { STAFF_ROLES, type PartnerPrincipal } from '../common/auth/roles.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { PARTNER_WINDOW_MS, partnerRateKey } from '../partners/partner-usage.js';
import { PartnerApiKeysService } from '../partners/partner-api-keys.service.js';
import { SessionsService } from './sessions.service.js';

function bearer(request: AuthenticatedRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9_\-.~+/=]+)$/.exec(header.trim());
  return match?.[1];
}

/**
 * Deny by default: a route that declares no access is refused, so forgetting
 * a decorator closes a door instead of opening one.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly apiKeys: PartnerApiKeysService,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (access?.kind === 'metrics') {
      const expected = this.config.metricsToken;
      if (expected === undefined) {
        if (this.config.production) throw new AppError('not_found', 404, 'Not found.');
        return true;
      }
      const given = Buffer.from(bearer(request) ?? '');
      const want = Buffer.from(expected);
      if (given.length !== want.length || !timingSafeEqual(given, want)) {
        throw new AppError('unauthenticated', 401, 'A valid metrics token is required.');
      }
      return true;
    }
    if (access?.kind === 'partner') {
      const token = bearer(request);
      const partner = token?.startsWith('tpk_') ? await this.apiKeys.authenticate(token) : null;
      if (!partner)
        throw new AppError('unauthenticated', 401, 'A valid partner API key is required.');
      if (!partner.scopes.includes(access.scope)) {
        throw new AppError('forbidden', 403, `This API key lacks the scope ${access.scope}.`);
      }
      await this.rateLimit(partner, context.switchToHttp().getResponse<FastifyReply>());
      request.partner = partner;
      return true;
    }
    if (access?.kind !== 'staff') {
      throw new AppError('unauthenticated', 401, 'Authentication is required.');
    }
    const token = bearer(request);
    const principal = token ? await this.sessions.authenticate(token) : null;
    if (!principal) {
      throw new AppError('unauthenticated', 401, 'Authentication is required.');
    }
    if (principal.mustChangePassword && !access.duringPasswordChange) {
      throw new AppError(
        'password_change_required',
        403,
        'Set a new password first (POST /v1/auth/password).',
      );
    }
    if (!access.roles.includes(principal.role)) {
      throw new AppError('forbidden', 403, 'Your role does not allow this.');
    }
    // Until approved, a new content role opens only what every staff member may do (me, password, logout).
    if (principal.rolePending && !STAFF_ROLES.every((r) => access.roles.includes(r))) {
      throw new AppError('forbidden', 403, 'Your role awaits approval by a second staff member.');
    }
    request.principal = principal;
    return true;
  }

  /** Per-key requests per minute, with the IETF RateLimit headers on every answer. */
  private async rateLimit(partner: PartnerPrincipal, reply: FastifyReply): Promise<void> {
    const window = await this.counters.hit(partnerRateKey(partner.keyId), PARTNER_WINDOW_MS);
    const limit = partner.requestsPerMinute;
    const resetSeconds = Math.max(1, Math.ceil(window.resetMs / 1000));
    void reply.header('RateLimit-Policy', `"per-key";q=${limit};w=${PARTNER_WINDOW_MS / 1000}`);
    void reply.header(
      'RateLimit',
      `"per-key";r=${Math.max(0, limit - window.count)};t=${resetSeconds}`,
    );
    if (window.count > limit) {
      throw new AppError(
        'rate_limited',
        429,
        `At most ${limit} requests per minute for this key.`,
        undefined,
        resetSeconds,
      );
    }
  }
}
