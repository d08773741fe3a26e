import { Module } from '@nestjs/common';
import { TipsModule } from '../tips/tips.module.js';
import { RetentionJobs } from './retention.jobs.js';
import { Retention } from './retention.service.js';

@Module({
  imports: [TipsModule],
  providers: [Retention, RetentionJobs],
  exports: [Retention, RetentionJobs],
})
export class RetentionModule {}
