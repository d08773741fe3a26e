import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor, Roles } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import {
  ApiErrorResponses,
  JSON_BODY_ERRORS,
  type ErrorResponseSpec,
} from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
import { WebhookEndpoints } from './webhook-endpoints.service.js';
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
import { StaffController } from '../common/staff-controller.decorator.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

const EndpointIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: "The endpoint's id.", example: EX.uuid });

const NO_SUCH_ENDPOINT: ErrorResponseSpec = {
  status: 404,
  description: 'No such webhook endpoint (`not_found`).',
  example: { code: 'not_found', message: 'No such webhook endpoint.' },
};

/**
 * Webhook endpoints (admins). Events carry triage metadata only and are
 * signed in the Standard Webhooks format.
 */
@StaffController('admin-webhooks', 'v1/admin/webhooks')
export class AdminWebhooksController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      'The signing secret is in the answer, once. Events are signed with it in the Standard ' +
      'Webhooks format (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`). Audited.',
  })
  @ApiJsonBody(CreateWebhookDto, {
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
  })
  @ApiCreatedResponse({
    type: WebhookWithSecretDto,
    description: 'Registered; the secret is shown once.',
  })
  @ApiErrorResponses(...JSON_BODY_ERRORS)
  @Roles('admin')
  @Post()
  @HttpCode(201)
  create(@Body() body: CreateWebhookDto, @Actor() by: StaffActor): Promise<WebhookWithSecretDto> {
    return this.endpoints.create(body, by);
  }

  @ApiOperation({ summary: 'List webhook endpoints', description: 'Without secrets.' })
  @ApiOkResponse({ type: WebhookListDto, description: 'Every endpoint.' })
  @Roles('admin')
  @Get()
  async list(): Promise<WebhookListDto> {
    return { endpoints: await this.endpoints.list() };
  }

  @ApiOperation({
    summary: 'Change, disable or rotate a webhook endpoint',
    description: 'Only the fields to change. `rotateSecret` answers the new secret, once. Audited.',
  })
  @EndpointIdParam()
  @ApiJsonBody(UpdateWebhookDto, {
    disable: { summary: 'Disable', value: { enabled: false } },
    rotate: { summary: 'Rotate the secret', value: { rotateSecret: true } },
  })
  @ApiOkResponse({
    type: WebhookUpdatedDto,
    description: 'The endpoint (with `secret` after a rotation).',
  })
  @ApiErrorResponses(...JSON_BODY_ERRORS, NO_SUCH_ENDPOINT)
  @Roles('admin')
  @Patch(':id')
  update(
    @UuidParam('id', 'No such webhook endpoint.') id: string,
    @Body() body: UpdateWebhookDto,
    @Actor() by: StaffActor,
  ): Promise<WebhookUpdatedDto> {
    return this.endpoints.update(id, body, by);
  }

  @ApiOperation({
    summary: 'List deliveries of an endpoint',
    description: 'Newest first: status, attempts, last HTTP status code. No bodies.',
  })
  @EndpointIdParam()
  @ApiOkResponse({ type: WebhookDeliveryListDto, description: 'The deliveries.' })
  @ApiErrorResponses(NO_SUCH_ENDPOINT)
  @Roles('admin')
  @Get(':id/deliveries')
  async deliveries(
    @UuidParam('id', 'No such webhook endpoint.') id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<WebhookDeliveryListDto> {
    return { deliveries: await this.endpoints.deliveries(id, query.limit ?? 50) };
  }

  @ApiOperation({
    summary: 'Resend a delivery',
    description:
      'Queues the same message again (same `webhook-id`) at the end of the queue. Audited.',
  })
  @EndpointIdParam()
  @ApiParam({
    name: 'deliveryId',
    format: 'uuid',
    description: 'A delivery of this endpoint.',
    example: EX.otherUuid,
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'Queued.' })
  @ApiErrorResponses({
    status: 404,
    description: 'No such endpoint or delivery (`not_found`).',
    example: { code: 'not_found', message: 'No such delivery.' },
  })
  @Roles('admin')
  @Post(':id/deliveries/:deliveryId/resend')
  @HttpCode(202)
  resend(
    @UuidParam('id', 'No such webhook endpoint.') id: string,
    @UuidParam('deliveryId', 'No such delivery.') delivery: string,
    @Actor() by: StaffActor,
  ): Promise<WebhookDeliveryDto> {
    return this.endpoints.resend(id, delivery, by);
  }

  @ApiOperation({ summary: 'Send a test.ping', description: 'To this endpoint only. Audited.' })
  @EndpointIdParam()
  @ApiNoContentResponse({ description: 'Queued.' })
  @ApiErrorResponses(NO_SUCH_ENDPOINT)
  @Roles('admin')
  @Post(':id/test')
  @HttpCode(204)
  async test(
    @UuidParam('id', 'No such webhook endpoint.') id: string,
    @Actor() by: StaffActor,
  ): Promise<void> {
    await this.endpoints.ping(id, by);
  }
}
