import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { IntakeKeysModule } from '../intake-keys/intake-keys.module.js';
import { EnvelopeModule } from '../tips/envelope/envelope.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { PartnerQuotaRepository } from './partner-quota.repository.js';
import { IdempotencyStore } from './idempotency.js';
import { PartnerTipStatus } from './partner-tip-status.query.js';
import { PartnerTipsController } from './partner-tips.controller.js';
import { PartnerUsage } from './partner-usage.js';
import { PartnerApiKeysService } from './partner-api-keys.service.js';
import { PartnerSigningKeysService } from './partner-signing-keys.service.js';
import { PartnersService } from './partners.service.js';
import { SubmitPartnerTip } from './submit-partner-tip.use-case.js';

/** Partner companies: API keys, idempotent signed submissions, read-back, quotas. */
@Module({
  imports: [TipsModule, EnvelopeModule, AuditModule, IntakeKeysModule, WebhooksModule],
  controllers: [PartnerTipsController],
  providers: [
    PartnersService,
    PartnerApiKeysService,
    PartnerSigningKeysService,
    SubmitPartnerTip,
    PartnerTipStatus,
    IdempotencyStore,
    PartnerUsage,
    PartnerQuotaRepository,
  ],
  // The access guard (src/auth) authenticates API keys; admins manage partners and their keys.
  exports: [PartnersService, PartnerApiKeysService, PartnerSigningKeysService],
})
export class PartnersModule {}
