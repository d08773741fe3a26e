import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, IsUUID } from 'class-validator';
import { EX } from '../common/openapi/examples.js';
import { PageLimit } from '../common/validators.js';
import type { AuditEvent } from './audit-event.entity.js';
import type { VerifyResult } from './audit-log.js';

const EVENT_ID = /^[1-9][0-9]{0,18}$/;
const ACTION = /^[a-z_.]{1,64}$/;

export class ListAuditEventsQuery {
  @ApiPropertyOptional({
    pattern: EVENT_ID,
    description: 'Events older than this event id: the `nextCursor` of the previous page.',
    example: '1042',
  })
  @IsOptional()
  @Matches(EVENT_ID, { message: 'cursor must be an event id' })
  cursor?: string;

  @PageLimit(500, 100, 'Events per page.')
  limit?: number;

  @ApiPropertyOptional({
    pattern: ACTION,
    description: 'Only this action.',
    example: 'tip.updated',
  })
  @IsOptional()
  @IsString()
  @Matches(ACTION)
  action?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only events about this object.',
    example: EX.uuid,
  })
  @IsOptional()
  @IsUUID()
  targetId?: string;
}

export class AuditActorDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: EX.uuid })
  id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'a.analyst' })
  username: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'analyst' })
  role: string | null;
}

export class AuditTargetDto {
  @ApiProperty({ type: String, nullable: true, example: 'tip' })
  type: string | null;

  @ApiProperty({ type: String, nullable: true, example: EX.otherUuid })
  id: string | null;
}

export class AuditEventDto {
  @ApiProperty({ description: 'Increasing event id (a decimal string).', example: '1042' })
  id: string;

  @ApiProperty({ format: 'date-time', example: EX.time })
  occurredAt: string;

  @ApiProperty({
    type: () => AuditActorDto,
    description: 'Null fields for the system or an unknown user.',
  })
  actor: AuditActorDto;

  @ApiProperty({ example: 'tip.updated' })
  action: string;

  @ApiProperty({ type: () => AuditTargetDto })
  target: AuditTargetDto;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "Staff member's address.",
    example: '198.51.100.7',
  })
  ip: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed (old and new values), per action.',
    example: { reference: EX.reference, changes: { status: { from: 'new', to: 'triaging' } } },
  })
  details: Record<string, unknown>;

  @ApiProperty({ description: 'Hex SHA-256 of the previous event.', example: EX.hash })
  prevHash: string;

  @ApiProperty({
    description: 'Hex SHA-256(previous hash || canonical JSON of this event).',
    example: EX.hash,
  })
  hash: string;
}

export class AuditEventListDto {
  @ApiProperty({ type: () => [AuditEventDto], description: 'Newest first.' })
  events: AuditEventDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
    example: '942',
  })
  nextCursor: string | null;
}

export function mapAuditEvent(e: AuditEvent): AuditEventDto {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actor: { id: e.actorId, username: e.actorUsername, role: e.actorRole },
    action: e.action,
    target: { type: e.targetType, id: e.targetId },
    ip: e.ip,
    details: e.details,
    prevHash: e.prevHash.toString('hex'),
    hash: e.hash.toString('hex'),
  };
}

@ApiSchema({ name: 'AuditChainBreakDto' })
export class AuditChainBreakModel {
  @ApiProperty({ description: 'Id of the first event that does not verify.', example: '1042' })
  id: string;

  @ApiProperty({ enum: ['hash_mismatch', 'broken_link'], example: 'hash_mismatch' })
  reason: 'hash_mismatch' | 'broken_link';
}

@ApiSchema({ name: 'AuditVerifyResultDto' })
export class AuditVerifyResultModel implements VerifyResult {
  @ApiProperty({ description: 'True when every event verifies.', example: true })
  ok: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events verified.', example: 1041 })
  checked: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Hex SHA-256 of the newest event (null when there are none, or the chain is broken): ' +
      'note it down to detect truncation later.',
    example: EX.hash,
  })
  headHash: string | null;

  @ApiPropertyOptional({
    type: () => AuditChainBreakModel,
    description: 'Present when `ok` is false: where the chain breaks.',
  })
  firstBroken?: AuditChainBreakModel;
}
