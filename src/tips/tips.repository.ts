import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type InsertResult, type Repository } from 'typeorm';
import { ReadDatabase } from '../database/read-database.js';
import { returning } from '../database/returning.js';
import { Tip } from './tip.entity.js';
import { TRIAGE_COLUMNS, TRIAGE_FROM, type TriageRow } from './triage-row.js';

export type NewTip = Pick<
  Tip,
  | 'id'
  | 'reference'
  | 'channel'
  | 'partnerId'
  | 'category'
  | 'submitterUrgency'
  | 'receivedAt'
  | 'priority'
  | 'payload'
  | 'payloadBytes'
  | 'keyFingerprints'
  | 'receiptHash'
  | 'sourceRef'
> &
  Partial<
    Pick<
      Tip,
      | 'tlp'
      | 'signature'
      | 'confidence'
      | 'allowReplies'
      | 'submitterPublicKey'
      | 'submitterWrappedKey'
      | 'attachmentCount'
    >
  >;

export interface TriageFilter {
  sql: string;
  params: unknown[];
}

export type TriageUpdate = Partial<
  Pick<
    Tip,
    | 'status'
    | 'priority'
    | 'severity'
    | 'tlp'
    | 'confidence'
    | 'tags'
    | 'duplicateOf'
    | 'assigneeId'
    | 'legalHold'
    | 'purgeAfter'
  >
>;

@Injectable()
export class TipsRepository {
  constructor(
    @InjectRepository(Tip) private readonly tips: Repository<Tip>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadDatabase,
  ) {}

  /** One INSERT in the caller's transaction; a taken reference fails on tip_reference_key. */
  insert(manager: EntityManager, tip: NewTip): Promise<InsertResult> {
    return manager.insert(Tip, tip);
  }

  /**
   * A page of the triage queue; `where` and `orderBy` come from the triage query
   * builder. Read from the replica when there is one (it may trail by a moment).
   */
  async listForTriage(
    where: string[],
    params: unknown[],
    orderBy: string,
    limit: number,
  ): Promise<TriageRow[]> {
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return await this.reads.run((db) =>
      db.query<TriageRow[]>(
        `SELECT ${TRIAGE_COLUMNS} FROM ${TRIAGE_FROM} ${clause} ORDER BY ${orderBy} LIMIT ${limit}`,
        params,
      ),
    );
  }

  async findForTriage(
    id: string,
    manager?: EntityManager,
    lock = false,
  ): Promise<TriageRow | null> {
    const rows = await (manager ?? this.dataSource).query<TriageRow[]>(
      `SELECT ${TRIAGE_COLUMNS} FROM ${TRIAGE_FROM} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async allowsReplies(id: string, db?: EntityManager): Promise<boolean> {
    const rows = await (db ?? this.dataSource).query<Array<{ allow_replies: boolean }>>(
      'SELECT allow_replies FROM tip WHERE id = $1',
      [id],
    );
    return rows[0]?.allow_replies ?? false;
  }

  async exists(id: string, manager?: EntityManager): Promise<boolean> {
    const rows = await (manager ?? this.dataSource).query<unknown[]>(
      'SELECT 1 FROM tip WHERE id = $1',
      [id],
    );
    return rows.length > 0;
  }

  async update(manager: EntityManager, id: string, changes: TriageUpdate): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Tip)
      .set({ ...changes, updatedAt: new Date(), version: () => 'version + 1' })
      .where('id = :id', { id })
      .execute();
  }

  async findPayload(
    id: string,
  ): Promise<Pick<Tip, 'id' | 'reference' | 'payload' | 'keyFingerprints'> | null> {
    return this.tips.findOne({
      select: { id: true, reference: true, payload: true, keyFingerprints: true },
      where: { id },
    });
  }

  /** A partner's own tip; another partner's id is simply not found. */
  async findForPartner(
    partnerId: string,
    where: { id: string } | { sourceRef: string },
  ): Promise<Pick<
    Tip,
    'id' | 'reference' | 'sourceRef' | 'status' | 'receivedAt' | 'signature'
  > | null> {
    return this.tips.findOne({
      select: {
        id: true,
        reference: true,
        sourceRef: true,
        status: true,
        receivedAt: true,
        signature: true,
      },
      where: { partnerId, ...where },
    });
  }

  /** The tip a receipt opens: by its HMAC, with what a check-in needs. */
  async findByReceiptHash(
    receiptHash: Buffer,
  ): Promise<Pick<
    Tip,
    | 'id'
    | 'reference'
    | 'status'
    | 'receivedAt'
    | 'allowReplies'
    | 'submitterPublicKey'
    | 'submitterWrappedKey'
  > | null> {
    return this.tips.findOne({
      select: {
        id: true,
        reference: true,
        status: true,
        receivedAt: true,
        allowReplies: true,
        submitterPublicKey: true,
        submitterWrappedKey: true,
      },
      where: { receiptHash },
    });
  }

  async findPayloadByReference(reference: string): Promise<Buffer | null> {
    const row = await this.tips.findOne({ select: { payload: true }, where: { reference } });
    return row?.payload ?? null;
  }

  /**
   * Deletes up to `batch` tips past purge_after (never under legal hold), oldest
   * first; SKIP LOCKED so concurrent runs (several instances) never take the same tips.
   */
  async deleteDueForPurge(
    manager: EntityManager,
    batch: number,
  ): Promise<Array<{ id: string; reference: string; channel: string; category: string }>> {
    return returning<{ id: string; reference: string; channel: string; category: string }>(
      manager,
      `DELETE FROM tip WHERE id IN (
         SELECT id FROM tip
          WHERE purge_after IS NOT NULL AND purge_after <= now() AND NOT legal_hold
          ORDER BY purge_after LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, reference, channel, category`,
      [batch],
    );
  }
}
