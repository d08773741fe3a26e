import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ReadDatabase } from '../database/read-database.js';
import { TipsRepository, type UntriagedBacklog } from '../tips/tips.repository.js';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * Prometheus metrics: counts and latencies only. Labels are route patterns,
 * statuses, channels and categories; never content, receipts, keys or addresses.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'tipline_http_requests_total',
    help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'tipline_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly tipsAccepted = new Counter({
    name: 'tipline_tips_accepted_total',
    help: 'Tips committed, by channel and category',
    labelNames: ['channel', 'category'] as const,
    registers: [this.registry],
  });

  readonly encryptionDuration = new Histogram({
    name: 'tipline_encryption_duration_seconds',
    help: 'OpenPGP encryption time of a payload (queueing on the worker pool included)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'tipline_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retrying, dead, gone)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** From arrival to the first status change away from `new`, by the priority at that moment. */
  readonly timeToFirstTriage = new Histogram({
    name: 'tipline_time_to_first_triage_seconds',
    help: 'Time from a tip arriving to its first triage (status leaving new), by priority',
    labelNames: ['priority'] as const,
    buckets: [60, 300, 900, 1800, 3600, 14400, 43200, 86400, 259200, 604800],
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'tipline_job_runs_total',
    help: 'Background job runs by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    reads: ReadDatabase,
    tips: TipsRepository,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tipline_' });
    const pool = (): PgPool | undefined =>
      (this.dataSource.driver as unknown as { master?: PgPool }).master;
    new Gauge({
      name: 'tipline_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
    new Gauge({
      name: 'tipline_tips_purged_total',
      help: 'Tips deleted by retention, by channel and category (closed tips stay counted)',
      labelNames: ['channel', 'category'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await reads.run((db) =>
          db.query<Array<{ channel: string; category: string; purged: string }>>(
            'SELECT channel, category, purged FROM retention_stat',
          ),
        );
        this.reset();
        for (const r of rows)
          this.set({ channel: r.channel, category: r.category }, Number(r.purged));
      },
    });
    const readBacklog = (): Promise<UntriagedBacklog[]> =>
      (this.backlog ??= tips.untriagedBacklog());
    new Gauge({
      name: 'tipline_untriaged_tips',
      help: 'Tips still in status new, by priority',
      labelNames: ['priority'] as const,
      registers: [this.registry],
      async collect() {
        for (const r of await readBacklog()) this.set({ priority: `P${r.priority}` }, Number(r.n));
      },
    });
    new Gauge({
      name: 'tipline_untriaged_oldest_age_seconds',
      help: 'Age of the oldest tip still in status new, by priority (0 when none)',
      labelNames: ['priority'] as const,
      registers: [this.registry],
      async collect() {
        for (const r of await readBacklog()) {
          this.set({ priority: `P${r.priority}` }, Math.max(0, r.age ?? 0));
        }
      },
    });
  }

  /** One backlog query per scrape feeds both queue gauges. */
  private backlog?: Promise<UntriagedBacklog[]>;

  async render(): Promise<string> {
    this.backlog = undefined;
    try {
      return await this.registry.metrics();
    } finally {
      this.backlog = undefined;
    }
  }
}
