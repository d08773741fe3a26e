import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { TipsModule } from '../tips/tips.module.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics. Global like the logger: instrumentation, which any
 * feature may add without its module changing shape.
 */
@Global()
@Module({
  imports: [TipsModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
