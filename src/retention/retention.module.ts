import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { RetentionJobs } from './retention.jobs.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [TipsModule, JobsModule, AuditModule],
  providers: [RetentionService, RetentionJobs],
  exports: [RetentionService, RetentionJobs],
})
export class RetentionModule {}
