import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import { AppError } from '../../common/app-error.js';
import type { StaffActor } from '../../common/auth/actor.js';
import { TipsRepository } from '../tips.repository.js';
import {
  PUSH_TARGETS,
  type RecordTipExportDto,
  type TipExportRecordDto,
} from './tip-export.dto.js';

/**
 * An export happens on the analyst's machine after local decryption; the
 * server only records it (format, target, no content) and refuses to let a
 * TLP:RED tip be pushed to another system.
 */
@Injectable()
export class RecordTipExport {
  constructor(
    private readonly tips: TipsRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(
    id: string,
    input: RecordTipExportDto,
    by: StaffActor,
  ): Promise<TipExportRecordDto> {
    const tip = await this.tips.findForTriage(id);
    if (!tip) throw new AppError('not_found', 404, 'No such tip.');
    if (PUSH_TARGETS.includes(input.target) && tip.tlp === 'red') {
      throw new AppError(
        'export_refused',
        409,
        'A TLP:RED tip is not pushed to another system; lower its TLP first if it may be shared.',
      );
    }
    const recordedAt = new Date();
    await this.audit.record({
      actor: by.actor,
      ip: by.ip,
      action: 'tip.exported',
      targetType: 'tip',
      targetId: id,
      details: {
        reference: tip.reference,
        format: input.format,
        target: input.target,
        destination: input.destination ?? null,
        includesNarrative: input.includesNarrative,
        tlp: tip.tlp,
      },
    });
    return {
      tipId: id,
      reference: tip.reference,
      tlp: tip.tlp,
      recordedAt: recordedAt.toISOString(),
    };
  }
}
