import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { publicStatus } from '../tips/public-status.js';
import type { TipStatus } from '../tips/tip.entity.js';
import { TipsRepository } from '../tips/tips.repository.js';
import type { PartnerTipDto, PartnerTipListDto } from './partner-tip.dto.js';

function mapPartnerTip(t: {
  id: string;
  reference: string;
  sourceRef: string | null;
  status: TipStatus;
  receivedAt: Date;
  signerFingerprint: string | null;
}): PartnerTipDto {
  return {
    id: t.id,
    reference: t.reference,
    sourceRef: t.sourceRef ?? '',
    status: publicStatus(t.status),
    receivedAt: t.receivedAt.toISOString(),
    signedBy: t.signerFingerprint,
  };
}

/** A partner reading back its own tips: their public status, never another partner's. */
@Injectable()
export class PartnerTipStatus {
  constructor(private readonly tips: TipsRepository) {}

  async bySourceRef(partnerId: string, sourceRef: string): Promise<PartnerTipListDto> {
    const tip = await this.tips.findForPartner(partnerId, { sourceRef });
    return { tips: tip ? [mapPartnerTip(tip)] : [] };
  }

  /** Another partner's tip answers exactly like an absent one. */
  async byId(partnerId: string, id: string, notFound: string): Promise<PartnerTipDto> {
    const tip = await this.tips.findForPartner(partnerId, { id });
    if (!tip) throw new AppError('not_found', 404, notFound);
    return mapPartnerTip(tip);
  }
}
