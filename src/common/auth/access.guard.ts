import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../app-error.js';
import { ACCESS_KEY, type Access } from './access.decorators.js';

/**
 * Deny by default: a route that declares no access is refused, so forgetting
 * a decorator closes a door instead of opening one.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind === 'public') return true;
    throw new AppError('unauthenticated', 401, 'Authentication is required.');
  }
}
