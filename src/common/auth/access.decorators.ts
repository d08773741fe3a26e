import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { staffActor, type StaffActor } from './actor.js';
import {
  ApiErrorResponses,
  PARTNER_RATE_LIMIT_HEADERS,
  RETRY_AFTER_HEADER,
} from '../openapi/error-responses.js';
import {
  STAFF_ROLES,
  type PartnerPrincipal,
  type StaffPrincipal,
  type StaffRole,
} from './roles.js';

export const ACCESS_KEY = 'tipline:access';

export type Access =
  | { kind: 'public' }
  | { kind: 'staff'; roles: readonly StaffRole[]; duringPasswordChange?: boolean }
  | { kind: 'partner'; scope: 'tips:submit' | 'tips:read' }
  | { kind: 'metrics' };

/**
 * OpenAPI extension carrying a route's `Access` on its operation; the document
 * factory (src/common/openapi/document.ts) also writes it into the description.
 */
export const ACCESS_EXTENSION = 'x-tipline-access';

/**
 * The access metadata the guard reads, plus its OpenAPI documentation: the
 * security scheme (`staff`, `partner` or `metrics`, see
 * src/common/openapi/document.ts) and the errors the guards themselves answer.
 */
function declareAccess(
  access: Access,
  ...docs: (MethodDecorator & ClassDecorator)[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, access),
    ApiExtension(ACCESS_EXTENSION, access),
    ...docs,
  );
}

function staffDocs(roles: readonly StaffRole[], duringPasswordChange: boolean) {
  const refusals = [
    roles.length < STAFF_ROLES.length ? '`forbidden`: your role is not allowed here' : undefined,
    duringPasswordChange
      ? undefined
      : '`password_change_required`: replace your one-time password first (`POST /v1/auth/password`)',
  ].filter((r) => r !== undefined);
  return [
    ApiBearerAuth('staff'),
    ApiErrorResponses(
      {
        status: 401,
        description:
          'Unauthenticated (`unauthenticated`): no session token, or an expired, ended or unknown one.',
      },
      ...(refusals.length > 0
        ? [
            {
              status: 403 as const,
              description: `Forbidden. ${refusals.join('; ')}.`,
              example:
                roles.length < STAFF_ROLES.length
                  ? { code: 'forbidden' as const, message: 'Your role does not allow this.' }
                  : {
                      code: 'password_change_required' as const,
                      message: 'Set a new password first (POST /v1/auth/password).',
                    },
            },
          ]
        : []),
    ),
  ];
}

/** Anyone may call this route, without credentials. Routes without a declaration are closed. */
export const Public = (): MethodDecorator & ClassDecorator =>
  declareAccess(
    { kind: 'public' },
    ApiErrorResponses({
      status: 429,
      description:
        'Too many requests from this address (`rate_limited`): wait `Retry-After` seconds.',
      headers: RETRY_AFTER_HEADER,
    }),
  );

/** Staff with one of these roles (bearer session token). */
export const Roles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  declareAccess({ kind: 'staff', roles }, ...staffDocs(roles, false));

/**
 * Any signed-in staff member, also one who still has to replace a one-time
 * password (`duringPasswordChange`), which every other route refuses.
 */
export const AnyStaff = (
  options: { duringPasswordChange?: boolean } = {},
): MethodDecorator & ClassDecorator =>
  declareAccess(
    {
      kind: 'staff',
      roles: STAFF_ROLES,
      duringPasswordChange: options.duringPasswordChange ?? false,
    },
    ...staffDocs(STAFF_ROLES, options.duringPasswordChange ?? false),
  );

/** A partner API key (`Authorization: Bearer tpk_...`) holding this scope. */
export const PartnerScope = (
  scope: 'tips:submit' | 'tips:read',
): MethodDecorator & ClassDecorator =>
  declareAccess(
    { kind: 'partner', scope },
    ApiBearerAuth('partner'),
    ApiErrorResponses(
      {
        status: 401,
        description:
          'Unauthenticated (`unauthenticated`): no API key, or an unknown, revoked or expired one.',
        example: { code: 'unauthenticated', message: 'A valid partner API key is required.' },
      },
      {
        status: 403,
        description: `Forbidden (\`forbidden\`): this API key lacks the scope \`${scope}\`.`,
        example: { code: 'forbidden', message: `This API key lacks the scope ${scope}.` },
      },
      {
        status: 429,
        description:
          scope === 'tips:submit'
            ? "Too many requests: `rate_limited` (over this key's requests per minute) or " +
              "`quota_exceeded` (over the partner's tips per UTC day). Wait `Retry-After` seconds."
            : "Too many requests (`rate_limited`): over this key's requests per minute. " +
              'Wait `Retry-After` seconds.',
        headers: { ...RETRY_AFTER_HEADER, ...PARTNER_RATE_LIMIT_HEADERS },
      },
    ),
  );

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: StaffPrincipal;
  partner?: PartnerPrincipal;
}

/** The calling partner; only on routes that declare a partner scope. */
export const CurrentPartner = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PartnerPrincipal => {
    const partner = ctx.switchToHttp().getRequest<AuthenticatedRequest>().partner;
    if (!partner) throw new Error('CurrentPartner used on a route without partner access');
    return partner;
  },
);

/**
 * Who acts on a staff route: the signed-in staff member and their address, as
 * the audit trail records them. Only on routes that declare staff access.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffActor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('Actor used on a route without staff access');
  return staffActor(request.principal, request.ip);
});

/** The caller's address, for the login throttle and its audit events. */
export const StaffIp = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().ip,
);

/**
 * Metrics scrapers: with METRICS_TOKEN set, `Authorization: Bearer <token>`;
 * without it, open in development and closed in production.
 */
export const MetricsAccess = (): MethodDecorator & ClassDecorator =>
  declareAccess(
    { kind: 'metrics' },
    ApiBearerAuth('metrics'),
    ApiErrorResponses(
      {
        status: 401,
        description:
          'Unauthenticated (`unauthenticated`): METRICS_TOKEN is set and the request does not carry it.',
        example: { code: 'unauthenticated', message: 'A valid metrics token is required.' },
      },
      {
        status: 404,
        description: 'Not found (`not_found`): production without METRICS_TOKEN.',
      },
    ),
  );
