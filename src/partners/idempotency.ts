import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { param, runStatement, type StatementPart } from '../database/statement.js';

/** Keys are kept at least this long (the IETF draft and Stripe keep 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** An in-flight claim older than this belongs to a request that died; it may be taken over. */
const STALE_IN_FLIGHT_MINUTES = 5;

export type Lookup = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/** The statement's Idempotency-Key guard found the key taken by a request that committed first. */
export class IdempotencyKeyTakenError extends Error {
  constructor() {
    super('the Idempotency-Key was taken by a concurrent request');
    this.name = 'IdempotencyKeyTakenError';
  }
}

const reusedKey = (): AppError =>
  new AppError(
    'idempotency_key_reused',
    422,
    'This Idempotency-Key was already used with a different request body.',
  );

/** 409: the first request with this key has not answered yet. */
export const idempotencyInFlight = (): AppError =>
  new AppError(
    'idempotency_in_flight',
    409,
    'A request with this Idempotency-Key is still being processed; retry shortly.',
    undefined,
    1,
  );

/**
 * Idempotency-Key handling (draft-ietf-httpapi-idempotency-key-header).
 * A request first looks its key up: a stored answer is replayed (the same
 * body) or refused (422, another body). Otherwise the key is written with
 * the answer, in the statement that makes the effect, as a guard: the tip is
 * stored only if the key was still free. So a partner's tip commits once,
 * not twice (a claim, then the effect). A retry while the first request
 * runs on this instance gets 409 from the instance's own list of keys in
 * flight; one that reaches another instance at that moment waits on the
 * key's row in its statement and, once the first has committed, gets the
 * first's answer.
 */
@Injectable()
export class IdempotencyStore {
  /** Keys of requests running on this instance: partner id, NUL, key -> request hash. */
  private readonly running = new Map<string, Buffer>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks the key as in flight here until `done` is called; a request with
   * the same key already running here is answered 409 (422 with another body).
   */
  enter(partnerId: string, key: string, requestHash: Buffer): () => void {
    const id = `${partnerId}\u0000${key}`;
    const other = this.running.get(id);
    if (other) throw other.equals(requestHash) ? idempotencyInFlight() : reusedKey();
    this.running.set(id, requestHash);
    return () => this.running.delete(id);
  }

  /** The answer stored for this key, if any (unexpired). */
  async lookup(partnerId: string, key: string, requestHash: Buffer): Promise<Lookup> {
    const rows = await runStatement<{
      request_hash: Buffer;
      state: string;
      stale: boolean;
      response_status: number | null;
      response_body: unknown;
    }>(this.dataSource, {
      name: 'idempotency_lookup',
      text: `SELECT request_hash, state, response_status, response_body,
                    created_at < now() - make_interval(mins => ${STALE_IN_FLIGHT_MINUTES}) AS stale
               FROM idempotency_record
              WHERE partner_id = $1 AND key = $2 AND expires_at >= now()`,
      values: [partnerId, key],
    });
    const record = rows[0];
    // 'in_flight' rows are an earlier version's claims: a live one is still running.
    if (!record || (record.state === 'in_flight' && record.stale)) return { kind: 'new' };
    if (!record.request_hash.equals(requestHash)) throw reusedKey();
    if (record.state === 'in_flight') throw idempotencyInFlight();
    return { kind: 'replay', status: record.response_status!, body: record.response_body };
  }

  /**
   * The key with its answer, as a guard of the statement that makes the
   * effect: returns a row only when the key was free (or expired, or an
   * abandoned claim of an earlier version), so the effect is written only
   * then. A concurrent request's uncommitted row makes it wait for that
   * request's end.
   */
  recordPart(
    partnerId: string,
    key: string,
    requestHash: Buffer,
    status: number,
    body: unknown,
  ): StatementPart {
    return {
      name: 'idempotency_record',
      sql: (values, onlyIf) =>
        `INSERT INTO idempotency_record
                (partner_id, key, request_hash, state, response_status, response_body, expires_at)
         SELECT ${param(values, partnerId)}::uuid, ${param(values, key)}::text,
                ${param(values, requestHash)}::bytea, 'done', ${param(values, status)}::integer,
                ${param(values, JSON.stringify(body))}::jsonb,
                now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
          WHERE ${onlyIf}
         ON CONFLICT (partner_id, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, state = 'done',
                response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
                created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE idempotency_record.expires_at < now()
             OR (idempotency_record.state = 'in_flight'
                 AND idempotency_record.created_at < now() - make_interval(mins => ${STALE_IN_FLIGHT_MINUTES}))
         RETURNING 1`,
    };
  }

  /** Stores a definite answer that has no effect to go with (a 4xx about this request). */
  async record(
    partnerId: string,
    key: string,
    requestHash: Buffer,
    status: number,
    body: unknown,
  ): Promise<void> {
    const values: unknown[] = [];
    const text = this.recordPart(partnerId, key, requestHash, status, body).sql(values, 'true');
    await runStatement(this.dataSource, { name: 'idempotency_record_alone', text, values });
  }
}
