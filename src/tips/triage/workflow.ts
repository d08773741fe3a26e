import type { TipStatus } from '../tip.entity.js';

/**
 * new -> triaging -> escalated | actioned | no_action -> closed;
 * duplicate from any open state. Closed is final; a duplicate can be undone
 * (back to triaging) until it is purged.
 */
export const TRANSITIONS: Record<TipStatus, readonly TipStatus[]> = {
  new: ['triaging', 'duplicate'],
  triaging: ['escalated', 'actioned', 'no_action', 'duplicate'],
  escalated: ['actioned', 'no_action', 'closed', 'duplicate'],
  actioned: ['closed', 'duplicate'],
  no_action: ['closed', 'duplicate'],
  closed: [],
  duplicate: ['triaging'],
};

/** States that start retention (purge_after). */
export const TERMINAL_STATES: readonly TipStatus[] = ['closed', 'duplicate'];

export function canTransition(from: TipStatus, to: TipStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface StatusChange {
  from: TipStatus;
  to: TipStatus;
  role: 'analyst' | 'lead';
  actorId: string;
  assigneeId: string | null;
  /** duplicateOf after this change. */
  duplicateOf: string | null;
}

export type StatusRefusal = {
  status: 403 | 409 | 422;
  code: 'forbidden' | 'invalid_transition' | 'unprocessable';
  message: string;
};

/**
 * Who may move a tip where:
 * - Only a lead sets a terminal state (closed, duplicate). An analyst
 *   proposes a duplicate by setting `duplicateOf`; a lead confirms it by
 *   setting the status.
 * - Only a lead undoes a duplicate (back to triaging, retention cleared).
 * - An analyst changes the status of an unassigned tip or of their own, not
 *   of a tip assigned to someone else (that analyst's work; a lead reassigns).
 * Returns null when the change is allowed.
 */
export function refuseStatusChange(c: StatusChange): StatusRefusal | null {
  if (!canTransition(c.from, c.to)) {
    return {
      status: 409,
      code: 'invalid_transition',
      message: `A tip cannot go from ${c.from} to ${c.to}.`,
    };
  }
  if (c.role !== 'lead') {
    if (TERMINAL_STATES.includes(c.to)) {
      return {
        status: 403,
        code: 'forbidden',
        message:
          c.to === 'closed'
            ? 'Only a lead can close a tip.'
            : 'Only a lead can mark a duplicate; propose one by setting duplicateOf.',
      };
    }
    if (c.from === 'duplicate') {
      return { status: 403, code: 'forbidden', message: 'Only a lead can undo a duplicate.' };
    }
    if (c.assigneeId !== null && c.assigneeId !== c.actorId) {
      return {
        status: 403,
        code: 'forbidden',
        message: 'This tip is assigned to someone else; only they or a lead change its status.',
      };
    }
  }
  if (c.to === 'duplicate' && c.duplicateOf === null) {
    return {
      status: 422,
      code: 'unprocessable',
      message: 'Marking a duplicate needs duplicateOf.',
    };
  }
  return null;
}
