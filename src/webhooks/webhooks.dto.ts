import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
} from 'class-validator';
import { EX } from '../common/openapi/examples.js';
import { PageLimit } from '../common/validators.js';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  type WebhookEventType,
  type WebhookFormat,
} from './webhook-events.js';
import type { DeliveryRow, EndpointRow } from './webhooks.repository.js';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
type Priority = (typeof PRIORITIES)[number];

const FORMAT_DOC =
  '`thin`: event type, tip id and reference only (the receiver reads the rest through the API); ' +
  '`summary`: triage metadata (category, urgency, priority, changes); `slack`: `{"text": ...}` ' +
  'for a Slack or Mattermost incoming webhook. Never content.';

export class CreateWebhookDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 2048,
    description:
      'https URL. Loopback, link-local and private addresses are refused unless the operator ' +
      'sets `WEBHOOK_ALLOW_PRIVATE` (which also allows plain http).',
    example: 'https://hooks.example.org/tipline',
  })
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'SOC on-call channel' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    minItems: 1,
    example: ['tip.received', 'tip.escalated'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes: WebhookEventType[];

  @ApiProperty({
    enum: WEBHOOK_FORMATS,
    enumName: 'WebhookFormat',
    description: FORMAT_DOC,
    example: 'thin',
  })
  @IsIn(WEBHOOK_FORMATS)
  format: WebhookFormat;

  @ApiPropertyOptional({
    type: String,
    enum: PRIORITIES,
    nullable: true,
    description: 'Tip events only for tips of this priority or higher (`P1`: P1 only).',
    example: 'P1',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsIn(PRIORITIES)
  minPriority?: Priority | null;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 2048, example: 'https://hooks.example.org/v2' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 200,
    nullable: true,
    example: 'SOC',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(1, 200)
  description?: string | null;

  @ApiPropertyOptional({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    minItems: 1,
    example: ['tip.received'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: WebhookEventType[];

  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, enumName: 'WebhookFormat', example: 'summary' })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;

  @ApiPropertyOptional({ type: String, enum: PRIORITIES, nullable: true, example: 'P2' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsIn(PRIORITIES)
  minPriority?: Priority | null;

  @ApiPropertyOptional({
    description: 'false disables the endpoint; true re-enables it.',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description:
      'Adds a new signing secret (shown once in the answer) and keeps the newest previous one, ' +
      'so messages carry both signatures until `retireOldSecrets`.',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;

  @ApiPropertyOptional({ description: 'Keeps only the newest secret.', example: false })
  @IsOptional()
  @IsBoolean()
  retireOldSecrets?: boolean;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'https://hooks.example.org/tipline' })
  url: string;

  @ApiProperty({ type: String, nullable: true, example: 'SOC on-call channel' })
  description: string | null;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    example: ['tip.received'],
  })
  eventTypes: WebhookEventType[];

  @ApiProperty({ enum: WEBHOOK_FORMATS, enumName: 'WebhookFormat', example: 'thin' })
  format: WebhookFormat;

  @ApiProperty({ type: String, enum: PRIORITIES, nullable: true, example: 'P1' })
  minPriority: Priority | null;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the service disabled it (a `410 Gone`).',
    example: null,
  })
  disabledReason: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 2,
    description:
      'Signing secrets in use; 0 when they were sealed under another SERVER_SECRET (rotate).',
    example: 1,
  })
  secretCount: number;

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: EX.laterTime })
  updatedAt: string;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    description: 'The new signing secret (Standard Webhooks `whsec_...`), shown once.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret: string;
}

export class WebhookUpdatedDto extends WebhookDto {
  @ApiPropertyOptional({
    description: 'After `rotateSecret` only: the new signing secret, shown once.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret?: string;
}

export class WebhookListDto {
  @ApiProperty({ type: () => [WebhookDto] })
  endpoints: WebhookDto[];
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', example: EX.otherUuid })
  id: string;

  @ApiProperty({
    description: 'The `webhook-id` header, the same on every retry.',
    example: 'msg_2b7c0f1e9a4d4c7e8f3a6b5d4c3b2a19',
  })
  messageId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', example: 'tip.received' })
  eventType: WebhookEventType;

  @ApiProperty({ enum: ['pending', 'retrying', 'delivered', 'dead'], example: 'delivered' })
  status: DeliveryRow['status'];

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  attempts: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'HTTP status of the last attempt.',
    example: 200,
  })
  lastStatusCode: number | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError: string | null;

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: EX.time })
  nextAttemptAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.laterTime })
  deliveredAt: string | null;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: () => [WebhookDeliveryDto] })
  deliveries: WebhookDeliveryDto[];
}

export class DeliveryQueryDto {
  @PageLimit(200, 50, 'How many deliveries, newest first.')
  limit?: number;
}

export function mapWebhook(e: EndpointRow, secretCount: number): WebhookDto {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.event_types as WebhookEventType[],
    format: e.format,
    minPriority: e.min_priority === null ? null : (`P${e.min_priority}` as Priority),
    enabled: e.enabled,
    disabledReason: e.disabled_reason,
    secretCount,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

export function mapDelivery(d: DeliveryRow): WebhookDeliveryDto {
  return {
    id: d.id,
    messageId: d.message_id,
    eventType: d.event_type as WebhookEventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    nextAttemptAt: d.next_attempt_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
  };
}
