import { AppError } from '../../common/app-error.js';
import type { TipStatus, Tlp } from '../tip.entity.js';
import type { TriageUpdate } from '../tips.repository.js';
import type { TriageRow } from '../triage-row.js';
import { priorityLabel, priorityValue } from './tip-mappers.js';
import { refuseStatusChange, TERMINAL_STATES } from './workflow.js';

type Json = null | boolean | number | string | Json[];
type Priority = ReturnType<typeof priorityLabel>;

/** What an update request (UpdateTipDto) may change; absent fields stay as they are. */
export interface TipPatch {
  version: number;
  status?: TipStatus;
  priority?: Priority;
  severity?: number | null;
  tlp?: Tlp;
  confidence?: number | null;
  tags?: string[];
  duplicateOf?: string | null;
  /** An analyst's id, `me`, or null to unassign. */
  assigneeId?: string | null;
  legalHold?: boolean;
}

/** Who asks, when, and the two facts the rules need from the database. */
export interface UpdateContext {
  role: 'analyst' | 'lead';
  actorId: string;
  now: Date;
  retentionDays: number;
  tipExists(id: string): Promise<boolean>;
  /** An enabled analyst or lead (who may hold a tip). */
  isActiveStaff(id: string): Promise<boolean>;
}

export interface PlannedUpdate {
  changes: TriageUpdate;
  /** Old and new value of each changed field, as the audit log and webhooks show them. */
  diff: Record<string, { from: Json; to: Json }>;
}

const forbidden = (message: string): AppError => new AppError('forbidden', 403, message);
const unprocessable = (message: string): AppError => new AppError('unprocessable', 422, message);

/**
 * The update rules, in the order they are checked (the first broken one is
 * the answer): a stale version is 409; a duplicate names another, existing
 * tip; the workflow decides status changes (workflow.ts), reaching a final
 * state starts retention and undoing a duplicate clears it with its link;
 * only a lead sets or lifts a legal hold; an analyst may only claim an
 * unassigned tip or release their own, and only active staff hold tips.
 * Fields set to what they already are change nothing and are not in the diff.
 */
export async function planTipUpdate(
  tip: TriageRow,
  patch: TipPatch,
  ctx: UpdateContext,
): Promise<PlannedUpdate> {
  if (patch.version !== tip.version) {
    throw new AppError(
      'version_conflict',
      409,
      `The tip changed since you read it (now version ${tip.version}); reload and try again.`,
    );
  }
  const isLead = ctx.role === 'lead';
  const changes: TriageUpdate = {};
  const diff: PlannedUpdate['diff'] = {};
  const set = <K extends keyof TriageUpdate>(
    key: K,
    from: TriageUpdate[K],
    to: TriageUpdate[K],
    shown: { from: Json; to: Json } = { from: from as Json, to: to as Json },
  ): void => {
    if (JSON.stringify(from) === JSON.stringify(to)) return;
    changes[key] = to;
    diff[key] = shown;
  };

  let duplicateOf = tip.duplicate_of;
  if (patch.duplicateOf !== undefined) {
    // UUIDs in any case: the same tip however its id is spelled.
    if (patch.duplicateOf?.toLowerCase() === tip.id.toLowerCase()) {
      throw unprocessable('A tip cannot duplicate itself.');
    }
    if (patch.duplicateOf !== null && !(await ctx.tipExists(patch.duplicateOf))) {
      throw unprocessable('duplicateOf names no tip.');
    }
    duplicateOf = patch.duplicateOf;
    set('duplicateOf', tip.duplicate_of, duplicateOf);
  }

  if (patch.status !== undefined && patch.status !== tip.status) {
    const undo = tip.status === 'duplicate';
    // Undoing a mistaken duplicate clears the link it was marked with.
    if (undo && patch.duplicateOf === undefined) duplicateOf = null;
    const refusal = refuseStatusChange({
      from: tip.status,
      to: patch.status,
      role: ctx.role,
      actorId: ctx.actorId,
      assigneeId: tip.assignee_id,
      duplicateOf,
    });
    if (refusal) throw new AppError(refusal.code, refusal.status, refusal.message);
    set('status', tip.status, patch.status);
    if (undo) set('duplicateOf', tip.duplicate_of, duplicateOf);
    // Retention starts when a tip reaches a final state, and stops when it leaves one.
    if (TERMINAL_STATES.includes(patch.status)) {
      changes.purgeAfter = new Date(ctx.now.getTime() + ctx.retentionDays * 86_400_000);
    } else if (undo) {
      changes.purgeAfter = null;
    }
  }

  if (patch.priority !== undefined) {
    set('priority', tip.priority, priorityValue(patch.priority), {
      from: priorityLabel(tip.priority),
      to: patch.priority,
    });
  }
  if (patch.severity !== undefined) set('severity', tip.severity, patch.severity);
  if (patch.tlp !== undefined) set('tlp', tip.tlp, patch.tlp);
  if (patch.confidence !== undefined) set('confidence', tip.confidence, patch.confidence);
  if (patch.tags !== undefined) set('tags', tip.tags, [...new Set(patch.tags)].sort());

  if (patch.legalHold !== undefined && patch.legalHold !== tip.legal_hold) {
    if (!isLead) throw forbidden('Only a lead can set or lift a legal hold.');
    set('legalHold', tip.legal_hold, patch.legalHold);
  }

  if (patch.assigneeId !== undefined) {
    const to = patch.assigneeId === 'me' ? ctx.actorId : patch.assigneeId;
    if (to !== tip.assignee_id) {
      if (!isLead) {
        const claim = tip.assignee_id === null && to === ctx.actorId;
        const release = tip.assignee_id === ctx.actorId && to === null;
        if (!claim && !release) {
          throw forbidden('Analysts may claim an unassigned tip or release their own.');
        }
      }
      if (to !== null && !(await ctx.isActiveStaff(to))) {
        throw unprocessable('The assignee is not an active analyst or lead.');
      }
      set('assigneeId', tip.assignee_id, to);
    }
  }
  return { changes, diff };
}
