import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returning } from '../database/returning.js';
import { changeCtes, runStatement, type ChangePieces } from '../database/statement.js';
import type { WebhookFormat } from './webhook-events.js';

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  secrets: Buffer;
  event_types: string[];
  format: WebhookFormat;
  min_priority: number | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  event_type: string;
  status: 'pending' | 'retrying' | 'delivered' | 'dead';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
}

/** A delivery claimed for one attempt (leased, so no other instance sends it meanwhile). */
export interface ClaimedDelivery {
  id: string;
  message_id: string;
  body: string;
  attempts: number;
  url: string;
  secrets: Buffer;
  endpoint_id: string;
}

export type Claim =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'later'; at: Date }
  | { kind: 'send'; delivery: ClaimedDelivery };

const ENDPOINT_COLUMNS =
  'id, url, description, secrets, event_types, format, min_priority, enabled, disabled_reason, created_at, updated_at';
const DELIVERY_COLUMNS =
  'id, message_id, endpoint_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, created_at, delivered_at';

/** Lease of one attempt: longer than the 15 s timeout, so a crashed sender's attempt is retried. */
const LEASE_SECONDS = 60;

/**
 * The outbox INSERT, its parameters appended to `values` (so it can follow a
 * change's own): one delivery per enabled endpoint that wants the event type
 * (or only `onlyEndpoint`) and whose minimum priority the tip meets.
 */
function deliveriesInsert(
  values: unknown[],
  eventType: string,
  tip: { priority: number | null } | null,
  bodies: Record<WebhookFormat, string>,
  onlyEndpoint: string | null,
  onlyIf = 'true',
): string {
  const n = values.length;
  const [type, thin, summary, slack, aboutTip, only, priority] = [1, 2, 3, 4, 5, 6, 7].map(
    (i) => `$${n + i}`,
  );
  values.push(
    eventType,
    bodies.thin,
    bodies.summary,
    bodies.slack,
    tip !== null,
    onlyEndpoint,
    tip?.priority ?? null,
  );
  return `INSERT INTO webhook_delivery (id, message_id, endpoint_id, event_type, body)
       SELECT gen_random_uuid(), 'msg_' || replace(gen_random_uuid()::text, '-', ''), e.id, ${type},
              CASE e.format WHEN 'thin' THEN ${thin} WHEN 'summary' THEN ${summary} ELSE ${slack} END
         FROM webhook_endpoint e
        WHERE e.enabled AND (${only}::uuid IS NULL OR e.id = ${only})
          AND (${only}::uuid IS NOT NULL OR ${type} = ANY (e.event_types))
          AND (e.min_priority IS NULL OR NOT ${aboutTip}::boolean OR ${priority}::smallint <= e.min_priority)
          AND ${onlyIf}
       RETURNING endpoint_id`;
}

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The outbox write: one delivery per enabled endpoint that wants this event
   * type (and, for an event about a tip, whose minimum priority the tip's
   * priority meets; a tip of unknown priority meets none), with the body of
   * that endpoint's format. Runs in the caller's transaction.
   */
  async insertDeliveries(
    manager: EntityManager,
    eventType: string,
    tip: { priority: number | null } | null,
    bodies: Record<WebhookFormat, string>,
    onlyEndpoint: string | null = null,
  ): Promise<string[]> {
    const values: unknown[] = [];
    const rows = await manager.query<Array<{ endpoint_id: string }>>(
      deliveriesInsert(values, eventType, tip, bodies, onlyEndpoint),
      values,
    );
    return [...new Set(rows.map((r) => r.endpoint_id))];
  }

  /**
   * A change (see changeCtes) and its outbox write as one statement, atomic
   * on its own: all of it or none commits, with no transaction around it.
   * `stored` is false when one of the change's guards refused it (nothing
   * of the change written); `guardsPassed` says how many did not. Returns
   * the endpoints that got a delivery.
   */
  async insertDeliveriesWith(
    change: ChangePieces,
    eventType: string,
    tip: { priority: number | null } | null,
    bodies: Record<WebhookFormat, string>,
  ): Promise<{ stored: boolean; guardsPassed: number; endpoints: string[] }> {
    const { name, text, values, guardsPassed } = changeCtes(change);
    const outbox = deliveriesInsert(
      values,
      eventType,
      tip,
      bodies,
      null,
      'EXISTS (SELECT 1 FROM change)',
    );
    const [row] = await runStatement<{
      stored: boolean;
      guards_passed: number;
      endpoints: string[];
    }>(this.dataSource, {
      name: `${name}+outbox`,
      text: `${text},
        outbox AS (${outbox})
        SELECT EXISTS (SELECT 1 FROM change) AS stored, ${guardsPassed} AS guards_passed,
               ARRAY(SELECT DISTINCT endpoint_id FROM outbox)::text[] AS endpoints`,
      values,
    });
    return {
      stored: row?.stored === true,
      guardsPassed: Number(row?.guards_passed ?? 0),
      endpoints: row?.endpoints ?? [],
    };
  }

  /** Copies a delivery to the end of its endpoint's queue, keeping its webhook-id. */
  async requeue(
    endpointId: string,
    deliveryId: string,
    manager: EntityManager,
  ): Promise<DeliveryRow | null> {
    const rows = await manager.query<DeliveryRow[]>(
      `INSERT INTO webhook_delivery (id, message_id, endpoint_id, event_type, body)
       SELECT gen_random_uuid(), message_id, endpoint_id, event_type, body
         FROM webhook_delivery WHERE id = $1 AND endpoint_id = $2
       RETURNING ${DELIVERY_COLUMNS}`,
      [deliveryId, endpointId],
    );
    return rows[0] ?? null;
  }

  /** The oldest undelivered delivery of an endpoint, claimed when it is due and free. */
  async claimHead(endpointId: string): Promise<Claim> {
    return this.dataSource.transaction(async (m) => {
      const rows = await m.query<
        Array<
          ClaimedDelivery & {
            enabled: boolean;
            leased: boolean;
            due: boolean;
            next_attempt_at: Date;
          }
        >
      >(
        `SELECT d.id, d.message_id, d.body, d.attempts, d.endpoint_id, d.next_attempt_at,
                e.url, e.secrets, e.enabled,
                (d.lease_until IS NOT NULL AND d.lease_until > now()) AS leased,
                d.next_attempt_at <= now() AS due
           FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
          WHERE d.endpoint_id = $1 AND d.status IN ('pending', 'retrying')
          ORDER BY d.created_at, d.id
          LIMIT 1
          FOR UPDATE OF d`,
        [endpointId],
      );
      const head = rows[0];
      if (!head || !head.enabled) return { kind: 'idle' };
      if (head.leased) return { kind: 'busy' };
      if (!head.due) return { kind: 'later', at: head.next_attempt_at };
      await m.query(
        `UPDATE webhook_delivery SET lease_until = now() + make_interval(secs => $2), attempts = attempts + 1 WHERE id = $1`,
        [head.id, LEASE_SECONDS],
      );
      return {
        kind: 'send',
        delivery: {
          id: head.id,
          message_id: head.message_id,
          body: head.body,
          attempts: head.attempts + 1,
          url: head.url,
          secrets: head.secrets,
          endpoint_id: head.endpoint_id,
        },
      };
    });
  }

  async markDelivered(id: string, statusCode: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_delivery SET status = 'delivered', last_status_code = $2, last_error = NULL,
         delivered_at = now(), lease_until = NULL WHERE id = $1`,
      [id, statusCode],
    );
  }

  async markFailed(
    id: string,
    result: { statusCode: number | null; error: string | null },
    retryInSeconds: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_delivery
          SET status = CASE WHEN $4::int IS NULL THEN 'dead' ELSE 'retrying' END,
              last_status_code = $2, last_error = $3, lease_until = NULL,
              next_attempt_at = CASE WHEN $4::int IS NULL THEN next_attempt_at
                                     ELSE now() + make_interval(secs => $4) END
        WHERE id = $1`,
      [id, result.statusCode, result.error, retryInSeconds],
    );
  }

  /** 410 Gone: the receiver asked us to stop. */
  async disableEndpoint(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_endpoint SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
  }

  /** Endpoints with a due, unleased delivery (after a crash, or a job lost). */
  async endpointsWithDueDeliveries(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ endpoint_id: string }>>(
      `SELECT DISTINCT d.endpoint_id FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
        WHERE e.enabled AND d.status IN ('pending', 'retrying') AND d.next_attempt_at <= now()
          AND (d.lease_until IS NULL OR d.lease_until <= now())`,
    );
    return rows.map((r) => r.endpoint_id);
  }

  async insertEndpoint(
    manager: EntityManager,
    e: Omit<EndpointRow, 'created_at' | 'updated_at' | 'disabled_reason'>,
  ): Promise<EndpointRow> {
    const rows = await manager.query<EndpointRow[]>(
      `INSERT INTO webhook_endpoint (id, url, description, secrets, event_types, format, min_priority, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ENDPOINT_COLUMNS}`,
      [e.id, e.url, e.description, e.secrets, e.event_types, e.format, e.min_priority, e.enabled],
    );
    return rows[0]!;
  }

  async updateEndpoint(
    manager: EntityManager,
    id: string,
    e: Pick<
      EndpointRow,
      'url' | 'description' | 'secrets' | 'event_types' | 'format' | 'min_priority' | 'enabled'
    >,
  ): Promise<EndpointRow> {
    const rows = await returning<EndpointRow>(
      manager,
      `UPDATE webhook_endpoint SET url = $2, description = $3, secrets = $4, event_types = $5,
              format = $6, min_priority = $7, enabled = $8,
              disabled_reason = CASE WHEN $8 THEN NULL ELSE disabled_reason END, updated_at = now()
        WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, e.url, e.description, e.secrets, e.event_types, e.format, e.min_priority, e.enabled],
    );
    return rows[0]!;
  }

  async findEndpoint(id: string, manager?: EntityManager): Promise<EndpointRow | null> {
    const rows = await (manager ?? this.dataSource).query<EndpointRow[]>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1${manager ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async listEndpoints(): Promise<EndpointRow[]> {
    return this.dataSource.query<EndpointRow[]>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint ORDER BY created_at, id`,
    );
  }

  async listDeliveries(endpointId: string, limit: number): Promise<DeliveryRow[]> {
    return this.dataSource.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE endpoint_id = $1
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [endpointId, limit],
    );
  }
}
