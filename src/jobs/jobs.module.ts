import { Module } from '@nestjs/common';
import { JobQueueService } from './job-queue.service.js';

/** Background jobs: one pg-boss per instance, shared by the features that queue work. */
@Module({ providers: [JobQueueService], exports: [JobQueueService] })
export class JobsModule {}
