import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import type { StaffActor } from '../common/auth/actor.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { checkWebhookUrl, WebhookUrlError } from './url-policy.js';
import { WebhookEventsService } from './webhook-events.service.js';
import {
  newWebhookSecret,
  openSecrets,
  sealSecrets,
  WEBHOOK_SECRET_BOX,
} from './webhook-secrets.js';
import {
  mapDelivery,
  mapWebhook,
  type CreateWebhookDto,
  type UpdateWebhookDto,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookWithSecretDto,
} from './webhooks.dto.js';
import { WebhooksRepository, type EndpointRow } from './webhooks.repository.js';

const noEndpoint = (): AppError => new AppError('not_found', 404, 'No such webhook endpoint.');

/** Admin management of webhook endpoints; every change is audited (never a secret). */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_SECRET_BOX) private readonly box: SecretBox,
    private readonly repository: WebhooksRepository,
    private readonly events: WebhookEventsService,
    private readonly audit: AuditLog,
  ) {}

  private async checkUrl(url: string): Promise<void> {
    try {
      await checkWebhookUrl(url, this.config.webhookAllowPrivate);
    } catch (err) {
      if (!(err instanceof WebhookUrlError)) throw err;
      throw new AppError('validation_failed', 400, 'The webhook URL is not allowed.', [
        { field: 'url', problem: err.message },
      ]);
    }
  }

  /** secretCount 0: sealed under another SERVER_SECRET, unreadable here (rotate the secret). */
  private map(e: EndpointRow): WebhookDto {
    let count = 0;
    try {
      count = openSecrets(this.box, e.id, e.secrets).length;
    } catch {
      // listed all the same
    }
    return mapWebhook(e, count);
  }

  async create(input: CreateWebhookDto, by: StaffActor): Promise<WebhookWithSecretDto> {
    await this.checkUrl(input.url);
    const id = uuidv7();
    const secret = newWebhookSecret();
    const row = await this.dataSource.transaction(async (m) => {
      const created = await this.repository.insertEndpoint(m, {
        id,
        url: input.url,
        description: input.description ?? null,
        secrets: sealSecrets(this.box, id, [secret]),
        event_types: input.eventTypes,
        format: input.format,
        min_priority: input.minPriority ? Number(input.minPriority.slice(1)) : null,
        enabled: input.enabled ?? true,
      });
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: id,
        details: {
          url: input.url,
          eventTypes: input.eventTypes,
          format: input.format,
          minPriority: input.minPriority ?? null,
        },
      });
      return created;
    });
    return { ...this.map(row), secret };
  }

  async list(): Promise<WebhookDto[]> {
    return (await this.repository.listEndpoints()).map((e) => this.map(e));
  }

  async update(
    id: string,
    input: UpdateWebhookDto,
    by: StaffActor,
  ): Promise<WebhookDto | WebhookWithSecretDto> {
    if (input.url !== undefined) await this.checkUrl(input.url);
    let secret: string | undefined;
    const row = await this.dataSource.transaction(async (m) => {
      const current = await this.repository.findEndpoint(id, m);
      if (!current) throw noEndpoint();
      let secrets: string[];
      try {
        secrets = openSecrets(this.box, id, current.secrets);
      } catch {
        // Sealed under another SERVER_SECRET: only a new secret can help.
        if (!input.rotateSecret) {
          throw new AppError(
            'conflict',
            409,
            'The signing secret of this endpoint cannot be read with this SERVER_SECRET; rotate it.',
          );
        }
        secrets = [];
      }
      if (input.rotateSecret) {
        secret = newWebhookSecret();
        secrets = [secret, ...secrets.slice(0, 1)];
      }
      if (input.retireOldSecrets) secrets = secrets.slice(0, 1);
      const minPriority =
        input.minPriority === undefined
          ? current.min_priority
          : input.minPriority === null
            ? null
            : Number(input.minPriority.slice(1));
      const updated = await this.repository.updateEndpoint(m, id, {
        url: input.url ?? current.url,
        description: input.description === undefined ? current.description : input.description,
        secrets: sealSecrets(this.box, id, secrets),
        event_types: input.eventTypes ?? current.event_types,
        format: input.format ?? current.format,
        min_priority: minPriority,
        enabled: input.enabled ?? current.enabled,
      });
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'webhook.updated',
        targetType: 'webhook',
        targetId: id,
        details: {
          url: input.url ?? null,
          eventTypes: input.eventTypes ?? null,
          format: input.format ?? null,
          minPriority: input.minPriority === undefined ? null : input.minPriority,
          enabled: input.enabled ?? null,
          rotatedSecret: input.rotateSecret ?? false,
          retiredOldSecrets: input.retireOldSecrets ?? false,
        },
      });
      return updated;
    });
    const dto = this.map(row);
    return secret !== undefined ? { ...dto, secret } : dto;
  }

  async deliveries(id: string, limit: number): Promise<WebhookDeliveryDto[]> {
    if (!(await this.repository.findEndpoint(id))) throw noEndpoint();
    return (await this.repository.listDeliveries(id, limit)).map(mapDelivery);
  }

  async resend(id: string, deliveryId: string, by: StaffActor): Promise<WebhookDeliveryDto> {
    const copy = await this.dataSource.transaction(async (m) => {
      const rows = await m.query<Array<{ id: string }>>(
        'SELECT id FROM webhook_delivery WHERE id = $1 AND endpoint_id = $2',
        [deliveryId, id],
      );
      if (rows.length === 0) throw new AppError('not_found', 404, 'No such delivery.');
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'webhook.resent',
        targetType: 'webhook',
        targetId: id,
        details: { deliveryId },
      });
      const requeued = await this.repository.requeue(id, deliveryId, m);
      await this.events.wake(m, id);
      return requeued;
    });
    if (!copy) throw new AppError('not_found', 404, 'No such delivery.');
    return mapDelivery(copy);
  }

  async ping(id: string, by: StaffActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const endpoint = await this.repository.findEndpoint(id, m);
      if (!endpoint) throw noEndpoint();
      await this.events.ping(m, id);
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'webhook.tested',
        targetType: 'webhook',
        targetId: id,
        details: {},
      });
    });
  }
}
