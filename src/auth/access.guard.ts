import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error.js';
import {
  ACCESS_KEY,
  type Access,
  type AuthenticatedRequest,
} from '../common/auth/access.decorators.js';
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
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
    request.principal = principal;
    return true;
  }
}
