import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { PgBoss } from 'pg-boss';
import { Webhook } from 'standardwebhooks';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { JobQueueService } from '../jobs/job-queue.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { openSecrets, WEBHOOK_SECRET_BOX } from './webhook-secrets.js';
import { checkWebhookUrl, WebhookUrlError } from './url-policy.js';
import { WebhooksRepository, type ClaimedDelivery } from './webhooks.repository.js';

export const WEBHOOK_DELIVER_QUEUE = 'webhook-deliver';
export const WEBHOOK_SWEEP_QUEUE = 'webhook-sweep';
const ATTEMPT_TIMEOUT_MS = 15_000;
/** Longest wait a Retry-After may ask for. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/** pg-boss's `db` option (its IDatabase): SQL it runs through our connection. */
interface BossDatabase {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** pg-boss writes through the caller's transaction: the job commits with the change. */
function transactionAdapter(manager: EntityManager): BossDatabase {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await manager.queryRunner!.query(text, values, true);
      return { rows: (result as { records: unknown[] }).records };
    },
  };
}

class SecretUnreadable extends Error {}

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date), if any. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/** Standard Webhooks headers; one `v1,` signature per secret (rotation). */
export function signedHeaders(
  secrets: string[],
  messageId: string,
  at: Date,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' '),
  };
}

/**
 * Delivers the outbox. One delivery at a time per endpoint, in order: a
 * drain takes the endpoint's oldest undelivered row under a row lock and a
 * lease, sends it with no database connection held, and records the answer.
 * A failure schedules the retry (the head holds back its successors); the
 * last failure leaves it dead and the queue moves on. A sweep every minute
 * wakes endpoints whose job was lost (a crash, or an instance without jobs).
 */
@Injectable()
export class WebhookJobs implements OnApplicationBootstrap {
  private boss?: PgBoss;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobQueueService,
    @Inject(WEBHOOK_SECRET_BOX) private readonly box: SecretBox,
    private readonly repository: WebhooksRepository,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = await this.jobs.boss();
    if (!boss) return;
    await boss.createQueue(WEBHOOK_DELIVER_QUEUE, { retryLimit: 3, retryDelay: 5 });
    await boss.createQueue(WEBHOOK_SWEEP_QUEUE);
    await boss.schedule(WEBHOOK_SWEEP_QUEUE, '* * * * *');
    await boss.work<{ endpointId: string }>(
      WEBHOOK_DELIVER_QUEUE,
      { pollingIntervalSeconds: 0.5, batchSize: 4 },
      async (jobs) => {
        await Promise.all(jobs.map((j) => this.drain(j.data.endpointId)));
      },
    );
    await boss.work(WEBHOOK_SWEEP_QUEUE, { pollingIntervalSeconds: 5 }, () => this.sweep());
    this.boss = boss;
    await this.sweep();
  }

  /** Queues a drain of these endpoints inside the caller's transaction. */
  async wake(manager: EntityManager, endpointIds: string[]): Promise<void> {
    if (!this.boss) return; // this instance runs no jobs: the sweep of another one delivers
    for (const endpointId of endpointIds) {
      await this.boss.send(
        WEBHOOK_DELIVER_QUEUE,
        { endpointId },
        { db: transactionAdapter(manager) },
      );
    }
  }

  /** Wakes endpoints outside any transaction (their deliveries are already committed). */
  async wakeNow(endpointIds: string[]): Promise<void> {
    if (!this.boss) return;
    for (const endpointId of endpointIds) {
      await this.boss.send(WEBHOOK_DELIVER_QUEUE, { endpointId });
    }
  }

  private async sweep(): Promise<void> {
    if (!this.boss) return;
    await this.wakeNow(await this.repository.endpointsWithDueDeliveries());
  }

  /** Sends the endpoint's deliveries in order until it is empty, busy, or waiting for a retry. */
  async drain(endpointId: string): Promise<void> {
    for (;;) {
      const claim = await this.repository.claimHead(endpointId);
      if (claim.kind === 'idle' || claim.kind === 'busy') return;
      if (claim.kind === 'later') {
        await this.boss?.sendAfter(WEBHOOK_DELIVER_QUEUE, { endpointId }, null, claim.at);
        return;
      }
      const outcome = await this.attempt(claim.delivery);
      if (outcome === 'stop') return;
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<'next' | 'stop'> {
    let statusCode: number | null = null;
    let error: string;
    let retryAfter: number | null = null;
    try {
      const url = await checkWebhookUrl(d.url, this.config.webhookAllowPrivate);
      let secrets: string[];
      try {
        secrets = openSecrets(this.box, d.endpoint_id, d.secrets);
      } catch {
        throw new SecretUnreadable();
      }
      const at = new Date();
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tipline-Webhooks/1',
          ...signedHeaders(secrets, d.message_id, at, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      statusCode = res.status;
      retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await this.repository.markDelivered(d.id, res.status);
        this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
        return 'next';
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error =
        err instanceof WebhookUrlError
          ? `URL ${err.message}`
          : err instanceof SecretUnreadable
            ? 'signing secret unreadable with this SERVER_SECRET: rotate it'
            : (err as Error).name === 'TimeoutError'
              ? 'timed out after 15 s'
              : `network error (${(err as NodeJS.ErrnoException).cause ? 'connection failed' : (err as Error).name})`;
    }
    if (statusCode === 410) {
      await this.repository.markFailed(d.id, { statusCode, error }, null);
      await this.repository.disableEndpoint(d.endpoint_id, 'the receiver answered 410 Gone');
      this.metrics.webhookDeliveries.inc({ outcome: 'gone' });
      return 'stop';
    }
    const schedule = this.config.webhookRetrySchedule;
    if (d.attempts > schedule.length) {
      await this.repository.markFailed(d.id, { statusCode, error }, null);
      this.metrics.webhookDeliveries.inc({ outcome: 'dead' });
      return 'next';
    }
    const wait = Math.max(schedule[d.attempts - 1]!, retryAfter ?? 0);
    await this.repository.markFailed(d.id, { statusCode, error }, wait);
    this.metrics.webhookDeliveries.inc({ outcome: 'retrying' });
    await this.boss?.sendAfter(WEBHOOK_DELIVER_QUEUE, { endpointId: d.endpoint_id }, null, wait);
    return 'stop';
  }
}
