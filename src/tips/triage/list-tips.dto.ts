import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { EX } from '../../common/openapi/examples.js';
import { CommaSeparatedEnum, CommaSeparatedMatching, PageLimit } from '../../common/validators.js';
import {
  SUBMITTER_URGENCIES,
  TIP_CATEGORIES,
  TIP_CHANNELS,
  TIP_STATUSES,
  TLP_LEVELS,
  type SubmitterUrgency,
  type TipCategory,
  type TipChannel,
  type TipStatus,
  type Tlp,
} from '../tip.entity.js';
import { PRIORITIES, TAG_PATTERN, UUID_SOURCE, type Priority } from './tip-fields.js';

export const TIP_SORTS = ['received_desc', 'received_asc', 'priority'] as const;
export type TipSort = (typeof TIP_SORTS)[number];

const ASSIGNEE_FILTER_PATTERN = `^(me|none|${UUID_SOURCE})$`;

export class ListTipsQuery {
  @CommaSeparatedEnum(TIP_STATUSES, {
    enumName: 'TipStatus',
    maxItems: 10,
    description: 'Any of these statuses.',
    example: ['new', 'triaging'],
  })
  status?: TipStatus[];

  @CommaSeparatedEnum(TIP_CATEGORIES, {
    enumName: 'TipCategory',
    maxItems: 10,
    description: 'Any of these categories.',
    example: ['cyber'],
  })
  category?: TipCategory[];

  @ApiPropertyOptional({
    enum: TIP_CHANNELS,
    enumName: 'TipChannel',
    description: 'Public submissions or partner ones.',
    example: 'partner',
  })
  @IsOptional()
  @IsIn(TIP_CHANNELS)
  channel?: TipChannel;

  @CommaSeparatedEnum(PRIORITIES, {
    enumName: 'Priority',
    maxItems: 4,
    description: 'Any of these priorities.',
    example: ['P1', 'P2'],
  })
  priority?: Priority[];

  @CommaSeparatedEnum(['1', '2', '3', '4'], {
    maxItems: 4,
    description: 'Any of these severities.',
    example: ['1'],
  })
  severity?: string[];

  @CommaSeparatedEnum(TLP_LEVELS, {
    enumName: 'Tlp',
    maxItems: 5,
    description: 'Any of these TLP levels.',
    example: ['amber', 'red'],
  })
  tlp?: Tlp[];

  @CommaSeparatedMatching(TAG_PATTERN, {
    maxItems: 10,
    description: 'Tips carrying every one of these tags.',
    example: ['ransomware'],
  })
  tags?: string[];

  /** `me`, `none`, or a user id. */
  @ApiPropertyOptional({
    pattern: ASSIGNEE_FILTER_PATTERN,
    description: '`me`, `none` (unassigned), or a user id.',
    example: 'me',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== 'me' && v !== 'none')
  @IsUUID()
  assignee?: string;

  @CommaSeparatedEnum(SUBMITTER_URGENCIES, {
    enumName: 'SubmitterUrgency',
    maxItems: 4,
    description: 'Any of these submitter urgencies.',
    example: ['immediate-danger'],
  })
  urgency?: SubmitterUrgency[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Received at or after this time (ISO 8601).',
    example: '2026-03-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Received before this time (ISO 8601).',
    example: '2026-04-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedTo?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Only this partner's tips.",
    example: EX.uuid,
  })
  @IsOptional()
  @IsUUID()
  partner?: string;

  @ApiPropertyOptional({
    enum: TIP_SORTS,
    enumName: 'TipSort',
    default: 'received_desc',
    description: '`priority` is P1 first, then newest first.',
    example: 'priority',
  })
  @IsOptional()
  @IsIn(TIP_SORTS)
  sort?: TipSort;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 300,
    description: 'The `nextCursor` of the previous page, with the same `sort` (keyset paging).',
    example: 'eyJzIjoicmVjZWl2ZWRfZGVzYyJ9',
  })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  cursor?: string;

  @PageLimit(200, 50, 'Tips per page.')
  limit?: number;
}
