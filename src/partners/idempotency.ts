import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { param, runStatement, type StatementPart } from '../database/statement.js';

/** Keys are kept at least this long (the IETF draft and Stripe keep 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** An in-flight claim older than this belongs to a request that died; it may be taken over. */
const STALE_IN_FLIGHT_MINUTES = 5;

export type Claim = { kind: 'claimed' } | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency-Key handling (draft-ietf-httpapi-idempotency-key-header):
 * the first request claims the key; its response is stored in the same
 * transaction as its effect; a retry with the same body gets that response,
 * a different body 422, and a retry while the first runs 409.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async claim(partnerId: string, key: string, requestHash: Buffer): Promise<Claim> {
    // Prepared statements on the driver's pool: every partner tip runs the first.
    const claimed = await runStatement(this.dataSource, {
      name: 'idempotency_claim',
      text: `INSERT INTO idempotency_record (partner_id, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'in_flight', now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}))
       ON CONFLICT (partner_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL,
              response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE idempotency_record.expires_at < now()
           OR (idempotency_record.state = 'in_flight'
               AND idempotency_record.created_at < now() - make_interval(mins => ${STALE_IN_FLIGHT_MINUTES}))
       RETURNING 1`,
      values: [partnerId, key, requestHash],
    });
    if (claimed.length === 1) return { kind: 'claimed' };
    const rows = await runStatement<{
      request_hash: Buffer;
      state: string;
      response_status: number | null;
      response_body: unknown;
    }>(this.dataSource, {
      name: 'idempotency_record',
      text: 'SELECT request_hash, state, response_status, response_body FROM idempotency_record WHERE partner_id = $1 AND key = $2',
      values: [partnerId, key],
    });
    const record = rows[0];
    if (!record) return this.claim(partnerId, key, requestHash);
    if (!record.request_hash.equals(requestHash)) {
      throw new AppError(
        'idempotency_key_reused',
        422,
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    if (record.state === 'in_flight') {
      throw new AppError(
        'idempotency_in_flight',
        409,
        'A request with this Idempotency-Key is still being processed; retry shortly.',
        undefined,
        1,
      );
    }
    return { kind: 'replay', status: record.response_status!, body: record.response_body };
  }

  /** Stores the response; call inside the transaction that commits the effect. */
  async complete(
    manager: EntityManager | DataSource,
    partnerId: string,
    key: string,
    status: number,
    body: unknown,
  ): Promise<void> {
    const values: unknown[] = [];
    const text = this.completePart(partnerId, key, status, body).sql(values, 'true');
    await manager.query(text, values);
  }

  /** The same, as a piece of the statement that makes the effect (a partner's tip). */
  completePart(partnerId: string, key: string, status: number, body: unknown): StatementPart {
    return {
      name: 'idempotency_done',
      sql: (values, onlyIf) =>
        `UPDATE idempotency_record
            SET state = 'done', response_status = ${param(values, status)}::integer,
                response_body = ${param(values, JSON.stringify(body))}::jsonb
          WHERE partner_id = ${param(values, partnerId)}::uuid AND key = ${param(values, key)}::text
            AND ${onlyIf}`,
    };
  }

  /** Gives the key back (the request failed in a way a retry may fix). */
  async release(partnerId: string, key: string): Promise<void> {
    await runStatement(this.dataSource, {
      name: 'idempotency_release',
      text: `DELETE FROM idempotency_record WHERE partner_id = $1 AND key = $2 AND state = 'in_flight'`,
      values: [partnerId, key],
    });
  }
}
