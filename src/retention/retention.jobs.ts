import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import { APP_CONFIG, DATABASE_URL } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { Retention } from './retention.service.js';
import { Metrics } from '../metrics/metrics.service.js';

export const RETENTION_QUEUE = 'retention-purge';
/** Every 15 minutes; pg-boss makes one instance run each occurrence. */
export const RETENTION_CRON = '*/15 * * * *';

/** Background work through pg-boss on the same PostgreSQL: any number of instances, no double work. */
@Injectable()
export class RetentionJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private boss?: PgBoss;
  runs = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly retention: Retention,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.backgroundJobs) return;
    const boss = new PgBoss({ connectionString: this.databaseUrl, schema: 'pgboss', max: 2 });
    // Say what failed: pg-boss errors concern its own queue tables, never tip content.
    boss.on('error', (err: Error) =>
      this.logger.warn(`background jobs (pg-boss): ${err.message || err.name}`),
    );
    await boss.start();
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
    this.boss = boss;
  }

  /** Queues a run now (tests, operators); returns the job id. */
  async runSoon(): Promise<string | null> {
    if (!this.boss) throw new Error('background jobs are off in this instance');
    return this.boss.send(RETENTION_QUEUE, {}, { singletonKey: 'now', singletonSeconds: 5 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5000 });
  }
}
