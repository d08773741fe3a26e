import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { INTAKE_KEY_EVENTS } from '../intake-keys/intake-key-events.js';
import { SecretBox } from '../crypto/secret-box.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { AdminWebhooksController } from './webhooks-admin.controller.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookEventsService } from './webhook-events.service.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WEBHOOK_SECRET_BOX } from './webhook-secrets.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * Signed events to registered endpoints. Intake, triage, follow-ups, partners
 * and intake keys import it to record events in their own transactions.
 */
@Module({
  imports: [JobsModule, TipsModule, AuditModule],
  controllers: [AdminWebhooksController],
  providers: [
    WebhooksRepository,
    WebhookJobs,
    WebhookEventsService,
    WebhookEndpointsService,
    { provide: INTAKE_KEY_EVENTS, useExisting: WebhookEventsService },
    {
      provide: WEBHOOK_SECRET_BOX,
      inject: [SERVER_SECRET],
      useFactory: (secret: Buffer) => new SecretBox(secret, 'webhook-secrets:v1'),
    },
  ],
  exports: [WebhookEventsService, WebhookJobs, INTAKE_KEY_EVENTS],
})
export class WebhooksModule {}
