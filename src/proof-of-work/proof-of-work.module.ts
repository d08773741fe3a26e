import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ChallengesController } from './challenges.controller.js';
import { ProofOfWorkGuard } from './proof-of-work.guard.js';
import { ProofOfWorkService } from './proof-of-work.service.js';

@Module({
  controllers: [ChallengesController],
  providers: [ProofOfWorkService, { provide: APP_GUARD, useClass: ProofOfWorkGuard }],
  exports: [ProofOfWorkService],
})
export class ProofOfWorkModule {}
