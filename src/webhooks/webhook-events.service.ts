import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChangePieces } from '../database/statement.js';
import { TipsRepository } from '../tips/tips.repository.js';
import {
  tipIdOf,
  webhookBody,
  type TipReceivedEvent,
  type WebhookEvent,
  type WebhookFormat,
} from './webhook-events.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * The outbox: `record` runs inside the transaction of the change it reports,
 * so there is no event without its change and no change without its event.
 * Delivery happens later, from pg-boss jobs woken in the same transaction.
 */
/** The event's body in each endpoint format (the outbox row takes its endpoint's). */
function webhookBodies(event: WebhookEvent, at: Date): Record<WebhookFormat, string> {
  return {
    thin: webhookBody(event, 'thin', at),
    summary: webhookBody(event, 'summary', at),
    slack: webhookBody(event, 'slack', at),
  };
}

@Injectable()
export class WebhookEventsService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly jobs: WebhookJobs,
    private readonly tips: TipsRepository,
  ) {}

  async record(manager: EntityManager, events: WebhookEvent | WebhookEvent[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('WebhookEventsService.record must run inside the transaction of the change');
    }
    const at = new Date();
    const woken = new Set<string>();
    // One change can report several events on one tip (updated and escalated): one look-up.
    const priorities = new Map<string, Promise<number | null>>();
    for (const event of Array.isArray(events) ? events : [events]) {
      const endpoints = await this.repository.insertDeliveries(
        manager,
        event.type,
        await this.tipOf(manager, event, priorities),
        webhookBodies(event, at),
      );
      for (const e of endpoints) woken.add(e);
    }
    await this.jobs.wake(manager, [...woken]);
  }

  /**
   * A change and its event written by one statement (no transaction: a single
   * statement is atomic), for a new tip stored without files. `stored` is
   * false when a guard of the change refused it (nothing of the change was
   * written; `guardsPassed` counts the guards before the one that refused,
   * whose own writes did commit). The deliveries it created
   * are woken after the commit; if that wake fails (or the process stops
   * first), the minute's sweep delivers them.
   */
  async recordWith(
    change: ChangePieces,
    event: TipReceivedEvent,
  ): Promise<{ stored: boolean; guardsPassed: number }> {
    const at = new Date();
    const { stored, guardsPassed, endpoints } = await this.repository.insertDeliveriesWith(
      change,
      event.type,
      { priority: event.tip.priority },
      webhookBodies(event, at),
    );
    if (endpoints.length > 0) {
      await this.jobs.wakeNow(endpoints).catch((err: unknown) => {
        this.logger.warn(
          `waking ${endpoints.length} webhook endpoint(s) after a tip failed (${(err as Error)?.name}); the sweep delivers within a minute`,
        );
      });
    }
    return { stored, guardsPassed };
  }

  /**
   * The priority an endpoint's minimum is checked against: a new tip's is in
   * its event; otherwise the tip's as this transaction sees it.
   */
  private async tipOf(
    manager: EntityManager,
    event: WebhookEvent,
    priorities: Map<string, Promise<number | null>>,
  ): Promise<{ priority: number | null } | null> {
    if (event.type === 'tip.received') return { priority: event.tip.priority };
    const id = tipIdOf(event);
    if (id === null) return null;
    let priority = priorities.get(id);
    if (priority === undefined) {
      priority = this.tips.findPriority(id, manager);
      priorities.set(id, priority);
    }
    return { priority: await priority };
  }

  /** Wakes the delivery of an endpoint whose queue changed (a resend). */
  async wake(manager: EntityManager, endpointId: string): Promise<void> {
    await this.jobs.wake(manager, [endpointId]);
  }

  /** A test.ping to one endpoint (admin), in the caller's transaction. */
  async ping(manager: EntityManager, endpointId: string): Promise<void> {
    const event: WebhookEvent = { type: 'test.ping' };
    const at = new Date();
    const endpoints = await this.repository.insertDeliveries(
      manager,
      event.type,
      null,
      webhookBodies(event, at),
      endpointId,
    );
    await this.jobs.wake(manager, endpoints);
  }
}
