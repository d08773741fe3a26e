import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config.token.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { AppConfig } from '../../config/environment.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.js';
import { AppError } from '../../common/app-error.js';
import type { StaffActor } from '../../common/auth/actor.js';
import { TipsRepository } from '../tips.repository.js';
import { triageChangeEvents } from '../../webhooks/webhook-events.js';
import { WebhookEventsService } from '../../webhooks/webhook-events.service.js';
import { mapTipSummary, priorityLabel } from './tip-mappers.js';
import type { UpdateTipDto } from './update-tip.dto.js';
import type { TipSummaryDto } from './tip-response.dto.js';
import { planTipUpdate } from './update-rules.js';

/**
 * A triage change in one transaction: the tip locked, the update rules
 * applied (update-rules.ts: workflow, who may assign what, a stale `version`
 * is 409), the row updated, an audit event with old and new values.
 */
@Injectable()
export class UpdateTip {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tips: TipsRepository,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: WebhookEventsService,
    private readonly metrics: MetricsService,
  ) {}

  async execute(id: string, patch: UpdateTipDto, by: StaffActor): Promise<TipSummaryDto> {
    const updated = await this.dataSource.transaction(async (m) => {
      const tip = await this.tips.findForTriage(id, m, true);
      if (!tip) throw new AppError('not_found', 404, 'No such tip.');
      const { changes, diff } = await planTipUpdate(tip, patch, {
        role: by.staff.role === 'lead' ? 'lead' : 'analyst',
        actorId: by.staff.analystId,
        now: new Date(),
        retentionDays: this.config.retentionDays,
        tipExists: (other) => this.tips.exists(other, m),
        isActiveStaff: async (analystId) =>
          (
            await m.query<Array<{ username: string }>>(
              `SELECT username FROM analyst WHERE id = $1 AND disabled_at IS NULL AND role IN ('analyst', 'lead')`,
              [analystId],
            )
          ).length > 0,
      });
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
