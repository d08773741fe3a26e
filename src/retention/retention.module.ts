import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { RetentionJobs } from './retention.jobs.js';
import { Retention } from './retention.service.js';

@Module({
  imports: [TipsModule, JobsModule, AuditModule],
  providers: [Retention, RetentionJobs],
  exports: [Retention, RetentionJobs],
})
export class RetentionModule {}
