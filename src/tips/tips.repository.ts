import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { ReadDatabase } from '../database/read-database.js';
import { returning } from '../database/returning.js';
import { param, type StatementPart } from '../database/statement.js';
import {
  Tip,
  type SubmitterUrgency,
  type TipCategory,
  type TipChannel,
  type TipStatus,
  type Tlp,
} from './tip.entity.js';
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
      | 'signerFingerprint'
      | 'confidence'
      | 'allowReplies'
      | 'submitterPublicKey'
      | 'submitterWrappedKey'
      | 'attachmentCount'
    >
  >;

/** What the triage queue is filtered by; every value reaches SQL as a parameter. */
export interface TriageFilter {
  statuses?: TipStatus[];
  categories?: TipCategory[];
  channel?: TipChannel;
  priorities?: number[];
  severities?: number[];
  tlps?: Tlp[];
  /** Tips carrying every one of these tags. */
  tags?: string[];
  urgencies?: SubmitterUrgency[];
  partnerId?: string;
  receivedFrom?: Date;
  receivedBefore?: Date;
  /** `null`: unassigned tips only. */
  assigneeId?: string | null;
}

/** Each order ends in the id tie-breaker, and an index backs each one. */
const TRIAGE_ORDER = {
  received_desc: 't.received_at DESC, t.id DESC',
  received_asc: 't.received_at ASC, t.id ASC',
  priority: 't.priority ASC, t.received_at DESC, t.id DESC',
} as const;

export type TriageSort = keyof typeof TRIAGE_ORDER;

/** A keyset page: rows after `after` (the previous page's last row) in `sort` order. */
export interface TriagePage {
  sort: TriageSort;
  after?: { receivedExact: string; id: string; priority?: number };
  limit: number;
}

function triageWhere(f: TriageFilter, page: TriagePage, params: unknown[]): string[] {
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.statuses) where.push(`t.status = ANY(${p(f.statuses)}::text[])`);
  if (f.categories) where.push(`t.category = ANY(${p(f.categories)}::text[])`);
  if (f.channel) where.push(`t.channel = ${p(f.channel)}`);
  if (f.priorities) where.push(`t.priority = ANY(${p(f.priorities)}::smallint[])`);
  if (f.severities) where.push(`t.severity = ANY(${p(f.severities)}::smallint[])`);
  if (f.tlps) where.push(`t.tlp = ANY(${p(f.tlps)}::text[])`);
  if (f.tags) where.push(`t.tags @> ${p(f.tags)}::text[]`);
  if (f.urgencies) where.push(`t.submitter_urgency = ANY(${p(f.urgencies)}::text[])`);
  if (f.partnerId) where.push(`t.partner_id = ${p(f.partnerId)}`);
  if (f.receivedFrom) where.push(`t.received_at >= ${p(f.receivedFrom)}`);
  if (f.receivedBefore) where.push(`t.received_at < ${p(f.receivedBefore)}`);
  if (f.assigneeId === null) where.push('t.assignee_id IS NULL');
  else if (f.assigneeId !== undefined) where.push(`t.assignee_id = ${p(f.assigneeId)}`);

  const a = page.after;
  if (a) {
    const r = `${p(a.receivedExact)}::timestamptz`;
    const i = p(a.id);
    if (page.sort === 'received_desc') where.push(`(t.received_at, t.id) < (${r}, ${i})`);
    else if (page.sort === 'received_asc') where.push(`(t.received_at, t.id) > (${r}, ${i})`);
    else {
      const pr = p(a.priority);
      where.push(
        `(t.priority > ${pr} OR (t.priority = ${pr} AND (t.received_at, t.id) < (${r}, ${i})))`,
      );
    }
  }
  return where;
}

/** Tips still in status new at one priority: how many, and the oldest one's age in seconds. */
export interface UntriagedBacklog {
  priority: number;
  n: string;
  age: number | null;
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

  private readonly insertColumns = new Map<
    string,
    { n: number; columns: Array<{ name: string; type: string }> }
  >();

  /** One INSERT in the caller's transaction; a taken reference fails on tip_reference_key. */
  async insert(manager: EntityManager, tip: NewTip): Promise<void> {
    const values: unknown[] = [];
    await manager.query(this.insertPart(tip).sql(values, 'true'), values);
  }

  /**
   * The tip's INSERT, also as a piece of one statement (see TipEnvelope): the
   * columns the tip sets, the others left to their defaults, each value cast
   * to its column's type; `RETURNING id`, so what accompanies the row can
   * require it. Written only when `onlyIf` holds (a quota's row).
   */
  insertPart(tip: NewTip): StatementPart {
    const set = (Object.keys(tip) as Array<keyof NewTip>).filter((k) => tip[k] !== undefined);
    const key = set.join(',');
    let prepared = this.insertColumns.get(key);
    if (prepared === undefined) {
      const metadata = this.dataSource.getMetadata(Tip);
      const columns = set.map((property) => {
        const column = metadata.findColumnWithPropertyName(property);
        if (!column) throw new Error(`tip has no column for ${property}`);
        return {
          name: column.databaseName,
          type: `${String(column.type)}${column.isArray ? '[]' : ''}`,
        };
      });
      prepared = { n: this.insertColumns.size + 1, columns };
      this.insertColumns.set(key, prepared);
    }
    const { n, columns } = prepared;
    return {
      name: `tip_${n}`,
      sql: (values, onlyIf) =>
        `INSERT INTO tip (${columns.map((c) => c.name).join(', ')})
         SELECT ${columns.map((c, i) => `${param(values, tip[set[i]!])}::${c.type}`).join(', ')}
          WHERE ${onlyIf} RETURNING id`,
    };
  }

  /**
   * A page of the triage queue (keyset pagination, no OFFSET). Read from the
   * replica when there is one (it may trail by a moment).
   */
  async listForTriage(filter: TriageFilter, page: TriagePage): Promise<TriageRow[]> {
    const params: unknown[] = [];
    const where = triageWhere(filter, page, params);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = `$${params.push(page.limit)}`;
    return await this.reads.run((db) =>
      db.query<TriageRow[]>(
        `SELECT ${TRIAGE_COLUMNS} FROM ${TRIAGE_FROM} ${clause} ORDER BY ${TRIAGE_ORDER[page.sort]} LIMIT ${limit}`,
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

  /** The tip's priority as the caller's transaction sees it; null when there is no such tip. */
  async findPriority(id: string, manager: EntityManager): Promise<number | null> {
    const rows = await manager.query<Array<{ priority: number }>>(
      'SELECT priority FROM tip WHERE id = $1',
      [id],
    );
    return rows[0]?.priority ?? null;
  }

  /** One row per priority 1 to 4, zero when none is waiting. */
  async untriagedBacklog(): Promise<UntriagedBacklog[]> {
    return this.dataSource.query<UntriagedBacklog[]>(
      `SELECT p AS priority,
              (SELECT count(*) FROM tip WHERE status = 'new' AND priority = p) AS n,
              (SELECT EXTRACT(EPOCH FROM now() - min(received_at))::float8
                 FROM tip WHERE status = 'new' AND priority = p) AS age
         FROM generate_series(1, 4) AS p`,
    );
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
    'id' | 'reference' | 'sourceRef' | 'status' | 'receivedAt' | 'signerFingerprint'
  > | null> {
    return this.tips.findOne({
      select: {
        id: true,
        reference: true,
        sourceRef: true,
        status: true,
        receivedAt: true,
        signerFingerprint: true,
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

  /** What a reply to the submitter needs: the reference, and the reply key if replies are allowed. */
  async findReplyTarget(id: string): Promise<{
    reference: string;
    allowReplies: boolean;
    submitterPublicKey: Buffer | null;
  } | null> {
    const row = await this.tips.findOne({
      select: { reference: true, allowReplies: true, submitterPublicKey: true },
      where: { id },
    });
    return row ?? null;
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
