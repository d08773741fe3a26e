import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import { canonicalJson } from '../common/canonical-json.js';
import { ReadDatabase } from '../database/read-database.js';
import { AuditEvent } from './audit-event.entity.js';

/** Serialises appends so that each event links to the one before it. */
const AUDIT_CHAIN_LOCK = '7316802045339402182';
export const GENESIS_HASH = Buffer.alloc(32);

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type { Actor, AuditActor } from '../common/auth/actor.js';

/** What happened, and who acted (`Actor`; the address is staff only, public routes never pass one). */
export interface AuditInput extends Partial<Actor> {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, JsonValue>;
}

type ChainFields = Pick<
  AuditEvent,
  | 'occurredAt'
  | 'actorId'
  | 'actorUsername'
  | 'actorRole'
  | 'action'
  | 'targetType'
  | 'targetId'
  | 'ip'
  | 'details'
>;

/** SHA-256(previous hash || canonical JSON of the event's own fields). */
export function chainHash(prevHash: Buffer, e: ChainFields): Buffer {
  const content = canonicalJson({
    occurredAt: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorUsername: e.actorUsername,
    actorRole: e.actorRole,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    ip: e.ip,
    details: e.details as JsonValue,
  });
  return createHash('sha256').update(prevHash).update(content, 'utf8').digest();
}

export type ChainRow = ChainFields & { id: string; prevHash: Buffer; hash: Buffer };

/**
 * Walks the chain in id order. Shared by the server's verify endpoint and
 * `tipctl audit verify`, which recomputes from downloaded events.
 */
export class ChainVerifier {
  private prev: Buffer = GENESIS_HASH;
  checked = 0;
  firstBroken?: { id: string; reason: 'hash_mismatch' | 'broken_link' };

  /** False (and records where) at the first bad link. */
  push(row: ChainRow): boolean {
    if (this.firstBroken) return false;
    if (!row.prevHash.equals(this.prev)) {
      this.firstBroken = { id: row.id, reason: 'broken_link' };
      return false;
    }
    const expected = chainHash(this.prev, row);
    if (!expected.equals(row.hash)) {
      this.firstBroken = { id: row.id, reason: 'hash_mismatch' };
      return false;
    }
    this.prev = row.hash;
    this.checked++;
    return true;
  }

  result(): VerifyResult {
    return this.firstBroken
      ? { ok: false, checked: this.checked, headHash: null, firstBroken: this.firstBroken }
      : {
          ok: true,
          checked: this.checked,
          headHash: this.checked === 0 ? null : this.prev.toString('hex'),
        };
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** Hex hash of the newest event: note it down to detect truncation later. */
  headHash: string | null;
  firstBroken?: { id: string; reason: 'hash_mismatch' | 'broken_link' };
}

/**
 * The tamper-evident audit trail. `append` must run inside the transaction of
 * the action it records, so an action and its audit event commit together.
 */
@Injectable()
export class AuditLog {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadDatabase,
  ) {}

  async append(manager: EntityManager, input: AuditInput): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('AuditLog.append must run inside a transaction');
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const last = await manager.query<Array<{ hash: Buffer }>>(
      'SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1',
    );
    const prevHash = last[0]?.hash ?? GENESIS_HASH;
    const fields: ChainFields = {
      occurredAt: new Date(),
      actorId: input.actor?.id ?? null,
      actorUsername: input.actor?.username ?? null,
      actorRole: input.actor?.role ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      ip: input.ip ?? null,
      details: input.details ?? {},
    };
    await manager.insert(AuditEvent, {
      ...fields,
      details: fields.details as Record<string, never>,
      prevHash,
      hash: chainHash(prevHash, fields),
    });
  }

  /** For actions that have no transaction of their own (a failed login, a read). */
  async record(input: AuditInput): Promise<void> {
    await this.dataSource.transaction((manager) => this.append(manager, input));
  }

  /** Newest first, keyset by id; from the replica when there is one. */
  async page(options: { before?: string; limit: number; action?: string; targetId?: string }) {
    const rows = await this.reads.run((db) => {
      const qb = db
        .getRepository(AuditEvent)
        .createQueryBuilder('e')
        .orderBy('e.id', 'DESC')
        .limit(options.limit + 1);
      if (options.before !== undefined) qb.andWhere('e.id < :before', { before: options.before });
      if (options.action !== undefined)
        qb.andWhere('e.action = :action', { action: options.action });
      if (options.targetId !== undefined) {
        qb.andWhere('e.target_id = :targetId', { targetId: options.targetId });
      }
      return qb.getMany();
    });
    const more = rows.length > options.limit;
    const events = rows.slice(0, options.limit);
    return { events, nextCursor: more ? events[events.length - 1]!.id : null };
  }

  /** Recomputes the whole chain in id order and reports the first broken link. */
  async verify(batchSize = 2000): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    let afterId = '0';
    for (;;) {
      const rows = await this.dataSource
        .getRepository(AuditEvent)
        .createQueryBuilder('e')
        .where('e.id > :afterId', { afterId })
        .orderBy('e.id', 'ASC')
        .limit(batchSize)
        .getMany();
      for (const row of rows) if (!verifier.push(row)) return verifier.result();
      if (rows.length < batchSize) return verifier.result();
      afterId = rows[rows.length - 1]!.id;
    }
  }
}
