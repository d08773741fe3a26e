import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { EX } from '../../common/openapi/examples.js';
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
const LIST_NOTE = 'Repeat the parameter or separate values with commas.';

/** `?status=new,triaging` and `?status=new&status=triaging` both become a list. */
const csv = () =>
  Transform(({ value }: { value: unknown }): unknown[] =>
    (Array.isArray(value) ? (value as unknown[]) : [value])
      .flatMap((v: unknown): unknown[] => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v: unknown): unknown => (typeof v === 'string' ? v.trim() : v))
      .filter((v: unknown) => v !== ''),
  );

export class ListTipsQuery {
  @ApiPropertyOptional({
    enum: TIP_STATUSES,
    enumName: 'TipStatus',
    isArray: true,
    maxItems: 10,
    description: `Any of these statuses. ${LIST_NOTE}`,
    example: ['new', 'triaging'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(TIP_STATUSES, { each: true })
  status?: TipStatus[];

  @ApiPropertyOptional({
    enum: TIP_CATEGORIES,
    enumName: 'TipCategory',
    isArray: true,
    maxItems: 10,
    description: `Any of these categories. ${LIST_NOTE}`,
    example: ['cyber'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(TIP_CATEGORIES, { each: true })
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

  @ApiPropertyOptional({
    enum: PRIORITIES,
    enumName: 'Priority',
    isArray: true,
    maxItems: 4,
    description: `Any of these priorities. ${LIST_NOTE}`,
    example: ['P1', 'P2'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(PRIORITIES, { each: true })
  priority?: Priority[];

  @ApiPropertyOptional({
    enum: ['1', '2', '3', '4'],
    isArray: true,
    maxItems: 4,
    description: `Any of these severities. ${LIST_NOTE}`,
    example: ['1'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(['1', '2', '3', '4'], { each: true })
  severity?: string[];

  @ApiPropertyOptional({
    enum: TLP_LEVELS,
    enumName: 'Tlp',
    isArray: true,
    maxItems: 5,
    description: `Any of these TLP levels. ${LIST_NOTE}`,
    example: ['amber', 'red'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(TLP_LEVELS, { each: true })
  tlp?: Tlp[];

  /** Tips carrying every one of these tags. */
  @ApiPropertyOptional({
    type: [String],
    maxItems: 10,
    pattern: TAG_PATTERN,
    description: `Tips carrying every one of these tags. ${LIST_NOTE}`,
    example: ['ransomware'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(TAG_PATTERN, { each: true })
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

  @ApiPropertyOptional({
    enum: SUBMITTER_URGENCIES,
    enumName: 'SubmitterUrgency',
    isArray: true,
    maxItems: 4,
    description: `Any of these submitter urgencies. ${LIST_NOTE}`,
    example: ['immediate-danger'],
  })
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(SUBMITTER_URGENCIES, { each: true })
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

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 200,
    default: 50,
    description: 'Tips per page.',
    example: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
