import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
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
  | { kind: 'partner'; scope: 'tips:submit' | 'tips:read' };

/** Anyone may call this route, without credentials. Routes without a declaration are closed. */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);

/** Staff with one of these roles (bearer session token). */
export const Roles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'staff', roles } satisfies Access);

/**
 * Any signed-in staff member, also one who still has to replace a one-time
 * password (`duringPasswordChange`), which every other route refuses.
 */
export const AnyStaff = (
  options: { duringPasswordChange?: boolean } = {},
): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, {
    kind: 'staff',
    roles: STAFF_ROLES,
    duringPasswordChange: options.duringPasswordChange ?? false,
  } satisfies Access);

/** A partner API key (`Authorization: Bearer tpk_...`) holding this scope. */
export const PartnerScope = (
  scope: 'tips:submit' | 'tips:read',
): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'partner', scope } satisfies Access);

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

/** The signed-in staff member; only on routes that declare staff access. */
export const CurrentStaff = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StaffPrincipal => {
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('CurrentStaff used on a route without staff access');
    return principal;
  },
);

/** The caller's address, for the audit trail of staff actions. Never use on public routes. */
export const StaffIp = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().ip,
);
