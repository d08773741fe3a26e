import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError } from '../common/app-error.js';
import { CurrentPartner, PartnerScope } from '../common/auth/access.decorators.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { TipsRepository } from '../tips/tips.repository.js';
import type { TipStatus } from '../tips/tip.entity.js';
import { PartnerUsage } from './partner-usage.js';
import { publicStatus } from '../tips/public-status.js';
import {
  SubmitPartnerTipDto,
  type PartnerTipDto,
  type PartnerUsageDto,
} from './partner-tip.dto.js';
import { SubmitPartnerTip } from './submit-partner-tip.use-case.js';
import { PartnerSourceRefQuery } from './partner-query.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mapPartnerTip(t: {
  id: string;
  reference: string;
  sourceRef: string | null;
  status: TipStatus;
  receivedAt: Date;
  signature: string | null;
}): PartnerTipDto {
  return {
    id: t.id,
    reference: t.reference,
    sourceRef: t.sourceRef ?? '',
    status: publicStatus(t.status),
    receivedAt: t.receivedAt.toISOString(),
    signedBy: t.signature,
  };
}

const notFound = (): AppError => new AppError('not_found', 404, 'No such tip.');

@Controller('v1/partner')
export class PartnerTipsController {
  constructor(
    private readonly submitTip: SubmitPartnerTip,
    private readonly tips: TipsRepository,
    private readonly usage: PartnerUsage,
  ) {}

  /** Idempotent by the Idempotency-Key header; 201 only after the encrypted tip is committed. */
  @PartnerScope('tips:submit')
  @Post('tips')
  async submit(
    @CurrentPartner() partner: PartnerPrincipal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: SubmitPartnerTipDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    if (idempotencyKey === undefined || idempotencyKey.length < 1 || idempotencyKey.length > 255) {
      throw new AppError(
        'idempotency_key_required',
        400,
        'An Idempotency-Key header of 1 to 255 characters is required.',
      );
    }
    const result = await this.submitTip.execute(partner, idempotencyKey, body);
    void reply.status(result.status);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @PartnerScope('tips:read')
  @Get('tips')
  async findBySourceRef(
    @CurrentPartner() partner: PartnerPrincipal,
    @Query() query: PartnerSourceRefQuery,
  ): Promise<{ tips: PartnerTipDto[] }> {
    const tip = await this.tips.findForPartner(partner.partnerId, { sourceRef: query.sourceRef });
    return { tips: tip ? [mapPartnerTip(tip)] : [] };
  }

  /** Own tips only: another partner's id answers exactly like an absent one. */
  @PartnerScope('tips:read')
  @Get('tips/:id')
  async findOne(
    @CurrentPartner() partner: PartnerPrincipal,
    @Param('id') id: string,
  ): Promise<PartnerTipDto> {
    if (!UUID.test(id)) throw notFound();
    const tip = await this.tips.findForPartner(partner.partnerId, { id });
    if (!tip) throw notFound();
    return mapPartnerTip(tip);
  }

  @PartnerScope('tips:read')
  @Get('usage')
  show(@CurrentPartner() partner: PartnerPrincipal): Promise<PartnerUsageDto> {
    return this.usage.of(partner);
  }
}
