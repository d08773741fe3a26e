import { Module } from '@nestjs/common';
import { IntakeKeysModule } from '../intake-keys/intake-keys.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [IntakeKeysModule], controllers: [HealthController] })
export class HealthModule {}
