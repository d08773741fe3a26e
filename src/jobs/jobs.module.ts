import { Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service.js';

/** Background jobs: one pg-boss per instance, shared by the features that queue work. */
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
