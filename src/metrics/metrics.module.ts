import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { TipsModule } from '../tips/tips.module.js';
import { Metrics } from './metrics.service.js';

@Global()
@Module({
  imports: [TipsModule],
  controllers: [MetricsController],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
