import { PartnerQuotaRepository } from './partner-quota.repository.js';
import { Global, Module } from '@nestjs/common';
import { TipsModule } from '../tips/tips.module.js';
import { IdempotencyStore } from './idempotency.js';
import { PartnerTipsController } from './partner-tips.controller.js';
import { PartnerUsage } from './partner-usage.js';
import { PartnerApiKeysService } from './partner-api-keys.service.js';
import { PartnerSigningKeysService } from './partner-signing-keys.service.js';
import { PartnersService } from './partners.service.js';
import { SubmitPartnerTip } from './submit-partner-tip.use-case.js';

/** Partner companies: API keys, idempotent signed submissions, read-back, quotas. */
@Global()
@Module({
  imports: [TipsModule],
  controllers: [PartnerTipsController],
  providers: [
    PartnersService,
    PartnerApiKeysService,
    PartnerSigningKeysService,
    SubmitPartnerTip,
    IdempotencyStore,
    PartnerUsage,
    PartnerQuotaRepository,
  ],
  exports: [PartnersService, PartnerApiKeysService, PartnerSigningKeysService, IdempotencyStore],
})
export class PartnersModule {}
