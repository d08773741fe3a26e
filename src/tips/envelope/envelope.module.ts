import { Module } from '@nestjs/common';
import { IntakeKeysModule } from '../../intake-keys/intake-keys.module.js';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { TipsModule } from '../tips.module.js';
import { TipEnvelope } from './tip-envelope.js';

/**
 * Storing a new tip: encrypted to the intake keys, inserted with its
 * `tip.received` event. Apart from TipsModule because it needs the intake keys
 * and webhooks, and webhooks read tips through TipsModule.
 */
@Module({
  imports: [TipsModule, IntakeKeysModule, WebhooksModule],
  providers: [TipEnvelope],
  exports: [TipEnvelope],
})
export class EnvelopeModule {}
