import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config.token.js';
import { Metrics } from '../../metrics/metrics.service.js';
import type { AppConfig } from '../../config/environment.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.js';
import { AppError } from '../../common/app-error.js';
import type { StaffActor } from '../../common/auth/actor.js';
import { TipsRepository, type TriageUpdate } from '../tips.repository.js';
import { triageChangeEvents } from '../../webhooks/webhook-events.js';
import { WebhookEvents } from '../../webhooks/webhook-events.service.js';
import { mapTipSummary, priorityLabel, priorityValue } from './tip-mappers.js';
import type { UpdateTipDto } from './update-tip.dto.js';
import type { TipSummaryDto } from './tip-response.dto.js';
import { refuseStatusChange, TERMINAL_STATES } from './workflow.js';

type Json = null | boolean | number | string | Json[];

const forbidden = (message: string): AppError => new AppError('forbidden', 403, message);

/**
 * A triage change: workflow rules, who may assign what, optimistic
 * concurrency (stale `version` is 409), and an audit event with old and new
 * values, all in one transaction.
 */
@Injectable()
export class UpdateTip {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tips: TipsRepository,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: WebhookEvents,
    private readonly metrics: Metrics,
  ) {}

  async execute(id: string, patch: UpdateTipDto, by: StaffActor): Promise<TipSummaryDto> {
    const updated = await this.dataSource.transaction(async (m) => {
      const tip = await this.tips.findForTriage(id, m, true);
      if (!tip) throw new AppError('not_found', 404, 'No such tip.');
      if (patch.version !== tip.version) {
        throw new AppError(
          'version_conflict',
          409,
          `The tip changed since you read it (now version ${tip.version}); reload and try again.`,
        );
      }
      const isLead = by.staff.role === 'lead';
      const changes: TriageUpdate = {};
      const diff: Record<string, { from: Json; to: Json }> = {};
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
        if (patch.duplicateOf === id) {
          throw new AppError('unprocessable', 422, 'A tip cannot duplicate itself.');
        }
        if (patch.duplicateOf !== null && !(await this.tips.exists(patch.duplicateOf, m))) {
          throw new AppError('unprocessable', 422, 'duplicateOf names no tip.');
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
          role: isLead ? 'lead' : 'analyst',
          actorId: by.staff.analystId,
          assigneeId: tip.assignee_id,
          duplicateOf,
        });
        if (refusal) throw new AppError(refusal.code, refusal.status, refusal.message);
        set('status', tip.status, patch.status);
        if (undo) set('duplicateOf', tip.duplicate_of, duplicateOf);
        // Retention starts when a tip reaches a final state, and stops when it leaves one.
        if (TERMINAL_STATES.includes(patch.status)) {
          changes.purgeAfter = new Date(Date.now() + this.config.retentionDays * 86_400_000);
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
        const to = patch.assigneeId === 'me' ? by.staff.analystId : patch.assigneeId;
        if (to !== tip.assignee_id) {
          if (!isLead) {
            const claim = tip.assignee_id === null && to === by.staff.analystId;
            const release = tip.assignee_id === by.staff.analystId && to === null;
            if (!claim && !release) {
              throw forbidden('Analysts may claim an unassigned tip or release their own.');
            }
          }
          if (to !== null) {
            const rows = await m.query<Array<{ username: string }>>(
              `SELECT username FROM analyst WHERE id = $1 AND disabled_at IS NULL AND role IN ('analyst', 'lead')`,
              [to],
            );
            if (rows.length === 0) {
              throw new AppError(
                'unprocessable',
                422,
                'The assignee is not an active analyst or lead.',
              );
            }
          }
          set('assigneeId', tip.assignee_id, to);
        }
      }

      if (Object.keys(changes).length > 0) {
        await this.tips.update(m, id, changes);
        await this.audit.append(m, {
          actor: by.actor,
          ip: by.ip,
          action: 'tip.updated',
          targetType: 'tip',
          targetId: id,
          details: { reference: tip.reference, changes: diff },
        });
        await this.events.record(
          m,
          triageChangeEvents(
            { id, reference: tip.reference, priority: priorityLabel(tip.priority) },
            diff,
          ),
        );
      }
      const after = await this.tips.findForTriage(id, m);
      return { summary: mapTipSummary(after!), firstTriage: diff.status?.from === 'new' };
    });
    if (updated.firstTriage) {
      this.metrics.timeToFirstTriage.observe(
        { priority: updated.summary.priority },
        (Date.now() - new Date(updated.summary.receivedAt).getTime()) / 1000,
      );
    }
    return updated.summary;
  }
}
