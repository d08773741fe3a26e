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

/** `none` asks for unassigned tips (null), `me` for the caller's. */
function assigneeFilter(
  assignee: string | undefined,
  me: StaffPrincipal,
): string | null | undefined {
  if (!assignee) return undefined;
  if (assignee === 'none') return null;
  return assignee === 'me' ? me.analystId : assignee;
}

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

/** The triage queue: filters, three sort orders and a cursor for the next page. */
@Injectable()
export class ListTips {
  constructor(private readonly tips: TipsRepository) {}

  async execute(q: ListTipsQuery, me: StaffPrincipal): Promise<TipListDto> {
    const sort = q.sort ?? 'received_desc';
    const limit = q.limit ?? 50;
    const c = q.cursor ? decodeCursor(q.cursor, sort) : undefined;
    const rows = await this.tips.listForTriage(
      {
        statuses: q.status,
        categories: q.category,
        channel: q.channel,
        priorities: q.priority?.map(priorityValue),
        severities: q.severity?.map(Number),
        tlps: q.tlp,
        tags: q.tags,
        urgencies: q.urgency,
        partnerId: q.partner,
        receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined,
        receivedBefore: q.receivedTo ? new Date(q.receivedTo) : undefined,
        assigneeId: assigneeFilter(q.assignee, me),
      },
      { sort, after: c && { receivedExact: c.r, id: c.i, priority: c.p }, limit: limit + 1 },
    );
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
