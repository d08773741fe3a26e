import { Module } from '@nestjs/common';
import { IntakeKeysModule } from '../intake-keys/intake-keys.module.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

@Module({
  imports: [IntakeKeysModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
