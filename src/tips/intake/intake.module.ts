import { Module } from '@nestjs/common';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { IntakeKeysModule } from '../../intake-keys/intake-keys.module.js';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { EnvelopeModule } from '../envelope/envelope.module.js';
import { TipsModule } from '../tips.module.js';
import { IntakeController } from './intake.controller.js';
import { SubmitTip } from './submit-tip.use-case.js';

@Module({
  imports: [TipsModule, EnvelopeModule, IntakeKeysModule, CryptoModule, WebhooksModule],
  controllers: [IntakeController],
  providers: [SubmitTip],
  // The public site (src/public-site) takes tips through the same use case.
  exports: [SubmitTip],
})
export class IntakeModule {}
