import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module.js';
import { IntakeKeysModule } from '../intake-keys/intake-keys.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { FollowUpsController } from './follow-ups.controller.js';
import { FollowUpsService } from './follow-ups.service.js';
import { ReceiptLookup } from './receipt-lookup.js';

@Module({
  imports: [TipsModule, CryptoModule, IntakeKeysModule, WebhooksModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsService, ReceiptLookup],
  exports: [FollowUpsService],
})
export class FollowUpsModule {}
