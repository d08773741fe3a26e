import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { IntakeKeyRing, STARTUP_KEY_RING } from './intake-key-ring.js';
import { IntakeKeysController } from './intake-keys.controller.js';
import { IntakeKeysService } from './intake-keys.service.js';
import { PayloadEncryptor } from './payload-encryptor.js';

/**
 * Intake keys (parsed once at start, plus those admins add) and encryption to
 * them. WebhooksModule provides INTAKE_KEY_EVENTS, where key changes are announced.
 */
@Module({
  imports: [AuditModule, WebhooksModule],
  controllers: [IntakeKeysController],
  providers: [
    { provide: IntakeKeyRing, useExisting: STARTUP_KEY_RING },
    PayloadEncryptor,
    IntakeKeysService,
  ],
  exports: [IntakeKeyRing, PayloadEncryptor, IntakeKeysService],
})
export class IntakeKeysModule {}
