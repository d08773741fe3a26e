import { Body, Get, Patch, Post, Query } from '@nestjs/common';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import { AdminRoute } from '../common/route.decorator.js';
import { StaffController } from '../common/staff-controller.decorator.js';
import { UuidParam, type UuidPath } from '../common/uuid-param.decorator.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import {
  CreateWebhookDto,
  DeliveryQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookListDto,
  WebhookUpdatedDto,
  WebhookWithSecretDto,
} from './webhooks.dto.js';

const ENDPOINT_ID: UuidPath = {
  name: 'id',
  description: "The endpoint's id.",
  notFound: 'No such webhook endpoint.',
};

const DELIVERY_ID: UuidPath = {
  name: 'deliveryId',
  description: 'A delivery of this endpoint.',
  example: EX.otherUuid,
  notFound: 'No such delivery.',
};

/**
 * Webhook endpoints (admins). Events carry triage metadata only and are
 * signed in the Standard Webhooks format.
 */
@StaffController('admin-webhooks', 'v1/admin/webhooks')
export class AdminWebhooksController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @AdminRoute({
    summary: 'Register a webhook endpoint',
    description:
      'The signing secret is in the answer, once. Events are signed with it in the Standard ' +
      'Webhooks format (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`). Audited.',
    body: {
      type: CreateWebhookDto,
      examples: {
        p1: {
          summary: 'P1 tips to a chat channel',
          value: {
            url: 'https://chat.example.org/hooks/abc',
            eventTypes: ['tip.received', 'tip.escalated'],
            format: 'slack',
            minPriority: 'P1',
          },
        },
        thin: {
          summary: 'Every event, thin payloads',
          value: {
            url: 'https://soar.example.org/tipline',
            eventTypes: ['tip.received', 'tip.updated', 'follow-up.received'],
            format: 'thin',
          },
        },
      },
    },
    created: { type: WebhookWithSecretDto, description: 'Registered; the secret is shown once.' },
  })
  @Post()
  create(@Body() body: CreateWebhookDto, @Actor() by: StaffActor): Promise<WebhookWithSecretDto> {
    return this.endpoints.create(body, by);
  }

  @AdminRoute({
    summary: 'List webhook endpoints',
    description: 'Without secrets.',
    ok: { type: WebhookListDto, description: 'Every endpoint.' },
  })
  @Get()
  async list(): Promise<WebhookListDto> {
    return { endpoints: await this.endpoints.list() };
  }

  @AdminRoute({
    summary: 'Change, disable or rotate a webhook endpoint',
    description: 'Only the fields to change. `rotateSecret` answers the new secret, once. Audited.',
    params: [ENDPOINT_ID],
    body: {
      type: UpdateWebhookDto,
      examples: {
        disable: { summary: 'Disable', value: { enabled: false } },
        rotate: { summary: 'Rotate the secret', value: { rotateSecret: true } },
      },
    },
    ok: { type: WebhookUpdatedDto, description: 'The endpoint (with `secret` after a rotation).' },
  })
  @Patch(':id')
  update(
    @UuidParam(ENDPOINT_ID) id: string,
    @Body() body: UpdateWebhookDto,
    @Actor() by: StaffActor,
  ): Promise<WebhookUpdatedDto> {
    return this.endpoints.update(id, body, by);
  }

  @AdminRoute({
    summary: 'List deliveries of an endpoint',
    description: 'Newest first: status, attempts, last HTTP status code. No bodies.',
    params: [ENDPOINT_ID],
    ok: { type: WebhookDeliveryListDto, description: 'The deliveries.' },
  })
  @Get(':id/deliveries')
  async deliveries(
    @UuidParam(ENDPOINT_ID) id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<WebhookDeliveryListDto> {
    return { deliveries: await this.endpoints.deliveries(id, query.limit ?? 50) };
  }

  @AdminRoute({
    summary: 'Resend a delivery',
    description:
      'Queues the same message again (same `webhook-id`) at the end of the queue. Audited.',
    params: [ENDPOINT_ID, DELIVERY_ID],
    accepted: { type: WebhookDeliveryDto, description: 'Queued.' },
    errors: [
      {
        status: 404,
        description: 'No such endpoint or delivery (`not_found`).',
        example: { code: 'not_found', message: 'No such delivery.' },
      },
    ],
  })
  @Post(':id/deliveries/:deliveryId/resend')
  resend(
    @UuidParam(ENDPOINT_ID) id: string,
    @UuidParam(DELIVERY_ID) delivery: string,
    @Actor() by: StaffActor,
  ): Promise<WebhookDeliveryDto> {
    return this.endpoints.resend(id, delivery, by);
  }

  @AdminRoute({
    summary: 'Send a test.ping',
    description: 'To this endpoint only. Audited.',
    params: [ENDPOINT_ID],
    noContent: { description: 'Queued.' },
  })
  @Post(':id/test')
  async test(@UuidParam(ENDPOINT_ID) id: string, @Actor() by: StaffActor): Promise<void> {
    await this.endpoints.ping(id, by);
  }
}
