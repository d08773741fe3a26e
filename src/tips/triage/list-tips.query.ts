import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import type { StaffPrincipal } from '../../common/auth/roles.js';
import { TipsRepository } from '../tips.repository.js';
import { mapTipSummary, priorityValue } from './tip-mappers.js';
import type { ListTipsQuery, TipSort } from './list-tips.dto.js';
import type { TipListDto } from './tip-response.dto.js';

export interface Cursor {
  s: TipSort;
  r: string;
  i: string;
  p?: number;
}

const ORDER: Record<TipSort, string> = {
  received_desc: 't.received_at DESC, t.id DESC',
  received_asc: 't.received_at ASC, t.id ASC',
  priority: 't.priority ASC, t.received_at DESC, t.id DESC',
};

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

const badCursor = (): AppError =>
  new AppError('validation_failed', 400, 'The query is invalid.', [
    { field: 'cursor', problem: 'is not a cursor from this listing and sort order' },
  ]);

export function decodeCursor(raw: string, sort: TipSort): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw badCursor();
  }
  const uuid = /^[0-9a-f-]{36}$/;
  if (
    c?.s !== sort ||
    typeof c.r !== 'string' ||
    Number.isNaN(Date.parse(c.r)) ||
    typeof c.i !== 'string' ||
    !uuid.test(c.i) ||
    (sort === 'priority' && !(Number.isInteger(c.p) && c.p! >= 1 && c.p! <= 4))
  ) {
    throw badCursor();
  }
  return c;
}

/**
 * The triage queue: filters, three sort orders and keyset pagination (no
 * OFFSET), each order backed by an index ending in the id tie-breaker.
 */
@Injectable()
export class ListTips {
  constructor(private readonly tips: TipsRepository) {}

  async execute(q: ListTipsQuery, me: StaffPrincipal): Promise<TipListDto> {
    const sort = q.sort ?? 'received_desc';
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };

    if (q.status) where.push(`t.status = ANY(${p(q.status)}::text[])`);
    if (q.category) where.push(`t.category = ANY(${p(q.category)}::text[])`);
    if (q.channel) where.push(`t.channel = ${p(q.channel)}`);
    if (q.priority) where.push(`t.priority = ANY(${p(q.priority.map(priorityValue))}::smallint[])`);
    if (q.severity) where.push(`t.severity = ANY(${p(q.severity.map(Number))}::smallint[])`);
    if (q.tlp) where.push(`t.tlp = ANY(${p(q.tlp)}::text[])`);
    if (q.tags) where.push(`t.tags @> ${p(q.tags)}::text[]`);
    if (q.urgency) where.push(`t.submitter_urgency = ANY(${p(q.urgency)}::text[])`);
    if (q.partner) where.push(`t.partner_id = ${p(q.partner)}`);
    if (q.receivedFrom) where.push(`t.received_at >= ${p(new Date(q.receivedFrom))}`);
    if (q.receivedTo) where.push(`t.received_at < ${p(new Date(q.receivedTo))}`);
    if (q.assignee === 'none') where.push('t.assignee_id IS NULL');
    else if (q.assignee === 'me') where.push(`t.assignee_id = ${p(me.analystId)}`);
    else if (q.assignee) where.push(`t.assignee_id = ${p(q.assignee)}`);

    if (q.cursor) {
      const c = decodeCursor(q.cursor, sort);
      const r = `${p(c.r)}::timestamptz`;
      const i = p(c.i);
      if (sort === 'received_desc') where.push(`(t.received_at, t.id) < (${r}, ${i})`);
      else if (sort === 'received_asc') where.push(`(t.received_at, t.id) > (${r}, ${i})`);
      else {
        const pr = p(c.p);
        where.push(
          `(t.priority > ${pr} OR (t.priority = ${pr} AND (t.received_at, t.id) < (${r}, ${i})))`,
        );
      }
    }

    const rows = await this.tips.listForTriage(where, params, ORDER[sort], limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({
            s: sort,
            r: last.received_exact,
            i: last.id,
            ...(sort === 'priority' ? { p: last.priority } : {}),
          })
        : null;
    return { tips: page.map(mapTipSummary), nextCursor };
  }
}
