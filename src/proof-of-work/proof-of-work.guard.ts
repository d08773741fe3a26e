import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PROOF_OF_WORK_KEY } from '../common/auth/proof-of-work.decorator.js';
import { POW_HEADER } from './pow.js';
import { ProofOfWorkService } from './proof-of-work.service.js';

/** Routes marked @RequiresProofOfWork() need a fresh solution before anything is read or stored. */
@Injectable()
export class ProofOfWorkGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly pow: ProofOfWorkService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.pow.enabled) return true;
    const required = this.reflector.get<boolean | undefined>(
      PROOF_OF_WORK_KEY,
      context.getHandler(),
    );
    if (!required) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers[POW_HEADER];
    await this.pow.spend(Array.isArray(header) ? header[0] : header);
    return true;
  }
}
