import { Module } from '@nestjs/common';
import { RetentionJobs } from './retention.jobs.js';
import { Retention } from './retention.service.js';

@Module({ providers: [Retention, RetentionJobs], exports: [Retention, RetentionJobs] })
export class RetentionModule {}
