import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { PgBoss } from 'pg-boss';
import { JobQueueService } from '../jobs/job-queue.service.js';
import { RetentionService } from './retention.service.js';
import { StagedAttachmentsRepository } from '../tips/attachments/staged-attachments.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';

export const RETENTION_QUEUE = 'retention-purge';
/** Every 15 minutes; pg-boss makes one instance run each occurrence. */
export const RETENTION_CRON = '*/15 * * * *';

/** Leftovers of uploads whose process died before it could remove them. */
export const STAGED_CLEANUP_QUEUE = 'staged-uploads-cleanup';
export const STAGED_CLEANUP_CRON = '*/5 * * * *';
/** A staged upload without progress for this long is dead (a live one stores a chunk at least every few seconds, and an idle connection is closed long before). */
export const STAGED_STALE_SECONDS = 3600;

/** Background work through pg-boss on the same PostgreSQL: any number of instances, no double work. */
@Injectable()
export class RetentionJobs implements OnApplicationBootstrap {
  private boss?: PgBoss;
  runs = 0;

  constructor(
    private readonly jobs: JobQueueService,
    private readonly retention: RetentionService,
    private readonly metrics: MetricsService,
    private readonly staged: StagedAttachmentsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = await this.jobs.boss();
    if (!boss) return;
    await boss.createQueue(RETENTION_QUEUE);
    await boss.schedule(RETENTION_QUEUE, RETENTION_CRON);
    await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 1 }, async () => {
      this.runs++;
      try {
        await this.retention.purgeDue();
        this.metrics.jobRuns.inc({ job: RETENTION_QUEUE, outcome: 'ok' });
      } catch (err) {
        this.metrics.jobRuns.inc({ job: RETENTION_QUEUE, outcome: 'failed' });
        throw err;
      }
    });
    await boss.createQueue(STAGED_CLEANUP_QUEUE);
    await boss.schedule(STAGED_CLEANUP_QUEUE, STAGED_CLEANUP_CRON);
    await boss.work(STAGED_CLEANUP_QUEUE, { pollingIntervalSeconds: 1 }, async (jobs) => {
      try {
        const stale = (jobs[0]?.data as { staleSeconds?: number } | undefined)?.staleSeconds;
        await this.staged.removeStale(stale ?? STAGED_STALE_SECONDS);
        this.metrics.jobRuns.inc({ job: STAGED_CLEANUP_QUEUE, outcome: 'ok' });
      } catch (err) {
        this.metrics.jobRuns.inc({ job: STAGED_CLEANUP_QUEUE, outcome: 'failed' });
        throw err;
      }
    });
    this.boss = boss;
  }

  /** Queues a cleanup of staged uploads idle for `staleSeconds` now (tests, operators). */
  async cleanupStagedSoon(staleSeconds = STAGED_STALE_SECONDS): Promise<string | null> {
    if (!this.boss) throw new Error('background jobs are off in this instance');
    return this.boss.send(STAGED_CLEANUP_QUEUE, { staleSeconds });
  }

  /** Queues a run now (tests, operators); returns the job id. */
  async runSoon(): Promise<string | null> {
    if (!this.boss) throw new Error('background jobs are off in this instance');
    return this.boss.send(RETENTION_QUEUE, {}, { singletonKey: 'now', singletonSeconds: 5 });
  }
}
