import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { EX } from '../../common/openapi/examples.js';
import { NoNul } from '../../common/validators.js';
import { TIP_STATUSES, TLP_LEVELS, type TipStatus, type Tlp } from '../tip.entity.js';
import { PRIORITIES, TAG_PATTERN, UUID_SOURCE, type Priority } from './tip-fields.js';

const ASSIGNEE_ID_PATTERN = `^(me|${UUID_SOURCE})$`;

export class UpdateTipDto {
  /** The version you read; a stale one gets 409. */
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'The `version` you read; a stale one gets `409 version_conflict`.',
    example: 3,
  })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;

  @ApiPropertyOptional({
    enum: TIP_STATUSES,
    enumName: 'TipStatus',
    description:
      '`new -> triaging -> escalated | actioned | no_action -> closed`, and `duplicate` ' +
      '(with `duplicateOf`) from any open state; anything else is `409 invalid_transition`. ' +
      'Only leads set `closed` or `duplicate` (an analyst proposes a duplicate with ' +
      '`duplicateOf` alone), and only leads undo a duplicate (`duplicate -> triaging`, ' +
      'retention cleared). An analyst changes the status of an unassigned tip or their own only.',
    example: 'triaging',
  })
  @IsOptional()
  @IsIn(TIP_STATUSES)
  status?: TipStatus;

  @ApiPropertyOptional({ enum: PRIORITIES, enumName: 'Priority', example: 'P2' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 4, nullable: true, example: 2 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(4)
  severity?: number | null;

  @ApiPropertyOptional({ enum: TLP_LEVELS, enumName: 'Tlp', example: 'amber' })
  @IsOptional()
  @IsIn(TLP_LEVELS)
  tlp?: Tlp;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    nullable: true,
    description: 'In percent.',
    example: 60,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(100)
  confidence?: number | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    pattern: TAG_PATTERN,
    description: 'Replaces the tags.',
    example: ['phishing', 'gov:ministry'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true })
  @NoNul({ each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The tip this one duplicates: with `status: duplicate` (a lead), or alone as a proposal.',
    example: EX.otherUuid,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  duplicateOf?: string | null;

  /** A user id, `me`, or null to release. */
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: ASSIGNEE_ID_PATTERN,
    description:
      'A user id, `me`, or null to release. Analysts may only claim an unassigned tip or ' +
      'release their own; leads assign anyone (an active analyst or lead).',
    example: 'me',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== 'me')
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ description: 'Leads only: exempts the tip from purging.', example: false })
  @IsOptional()
  @IsBoolean()
  legalHold?: boolean;
}
