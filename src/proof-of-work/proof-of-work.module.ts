import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ChallengesController } from './challenges.controller.js';
import { ProofOfWorkGuard } from './proof-of-work.guard.js';
import { ProofOfWork } from './proof-of-work.service.js';

@Module({
  controllers: [ChallengesController],
  providers: [ProofOfWork, { provide: APP_GUARD, useClass: ProofOfWorkGuard }],
  exports: [ProofOfWork],
})
export class ProofOfWorkModule {}
