import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import { APP_CONFIG, DATABASE_URL } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';

/**
 * The instance's one pg-boss, on the service's own PostgreSQL (schema
 * `pgboss`). Retention, staged-upload cleanup and webhook delivery all put
 * their queues on it, so an instance holds one set of job connections and one
 * poller, and stops them once. With `BACKGROUND_JOBS=false` there is none: the
 * features then leave the work to an instance that runs jobs.
 */
@Injectable()
export class JobQueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private starting?: Promise<PgBoss>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  /** The started queue, or `undefined` when this instance runs no jobs. Starts it on first use. */
  async boss(): Promise<PgBoss | undefined> {
    if (!this.config.backgroundJobs) return undefined;
    this.starting ??= this.start();
    return this.starting;
  }

  private async start(): Promise<PgBoss> {
    const boss = new PgBoss({ connectionString: this.databaseUrl, schema: 'pgboss', max: 4 });
    // Say what failed: pg-boss errors concern its own queue tables, never tip content.
    boss.on('error', (err: Error) =>
      this.logger.warn(`background jobs (pg-boss): ${err.message || err.name}`),
    );
    await boss.start();
    return boss;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.starting) return;
    const boss = await this.starting.catch(() => undefined);
    await boss?.stop({ graceful: true, timeout: 5000 });
  }
}
