import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { NoNul } from '../../common/validators.js';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
import { EX } from '../../common/openapi/examples.js';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TIP_SORTS = ['received_desc', 'received_asc', 'priority'] as const;
export type TipSort = (typeof TIP_SORTS)[number];

export const TAG_PATTERN = /^[a-z0-9][a-z0-9:._-]{0,49}$/;

/** OpenAPI patterns of `me`, `none` and user ids (the validator checks the UUID itself). */
const UUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ASSIGNEE_FILTER_PATTERN = `^(me|none|${UUID_SOURCE})$`;
const ASSIGNEE_ID_PATTERN = `^(me|${UUID_SOURCE})$`;
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

const NOTE_BODY = {
  minLength: 1,
  maxLength: 20_000,
  pattern: /\S/u,
} as const;

export class AddNoteDto {
  @ApiProperty({
    ...NOTE_BODY,
    description: 'The note; must not be blank. Encrypted to the intake keys on arrival.',
    example: 'Domain registered with the same e-mail as case TIP-3H8P-K2QW.',
  })
  @IsString()
  @Length(1, 20_000)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

export class StaffRefDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'a.analyst' })
  username: string;
}

const FINGERPRINTS: ApiPropertyOptions = {
  type: [String],
  description: 'Fingerprints of the intake keys the ciphertext is encrypted to.',
  example: [EX.fingerprint],
};

export class TipSummaryDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: EX.reference })
  reference: string;

  @ApiProperty({ enum: TIP_CHANNELS, enumName: 'TipChannel', example: 'public' })
  channel: TipChannel;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Partner tips only.',
    example: null,
  })
  partnerId: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The partner's own id.",
    example: null,
  })
  sourceRef: string | null;

  @ApiProperty({ enum: TIP_CATEGORIES, enumName: 'TipCategory', example: 'cyber' })
  category: TipCategory;

  @ApiProperty({ enum: SUBMITTER_URGENCIES, enumName: 'SubmitterUrgency', example: 'days' })
  submitterUrgency: SubmitterUrgency;

  @ApiProperty({
    format: 'date-time',
    description: 'Public tips: to the minute.',
    example: EX.time,
  })
  receivedAt: string;

  @ApiProperty({ enum: TIP_STATUSES, enumName: 'TipStatus', example: 'new' })
  status: TipStatus;

  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority', example: 'P2' })
  priority: Priority;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 4, nullable: true, example: null })
  severity: number | null;

  @ApiProperty({ enum: TLP_LEVELS, enumName: 'Tlp', example: 'amber' })
  tlp: Tlp;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, nullable: true, example: null })
  confidence: number | null;

  @ApiProperty({ type: [String], example: ['phishing'] })
  tags: string[];

  @ApiProperty({ type: () => StaffRefDto, nullable: true, description: 'Null when unassigned.' })
  assignee: StaffRefDto | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  duplicateOf: string | null;

  @ApiProperty({ example: false })
  legalHold: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a closed tip will be purged (never under legal hold).',
    example: null,
  })
  purgeAfter: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Ciphertext size in bytes.',
    example: 1834,
  })
  payloadBytes: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  attachmentCount: number;

  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Partner tips: fingerprint of the key whose signature verified; null if unsigned.',
    example: null,
  })
  signature: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Send it back in `PATCH`: a stale one gets `409 version_conflict`.',
    example: 3,
  })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.laterTime })
  updatedAt: string | null;
}

export class NoteRefDto {
  @ApiProperty({ format: 'uuid', example: EX.otherUuid })
  id: string;

  @ApiProperty({ type: () => StaffRefDto })
  author: StaffRefDto;

  @ApiProperty({ format: 'date-time', example: EX.laterTime })
  createdAt: string;
}

export class AttachmentRefDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Number of the file in the tip; download at `attachments/{n}`.',
    example: 1,
  })
  n: number;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The follow-up message it came with; null if sent with the tip.',
    example: null,
  })
  messageId: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 48_213 })
  ciphertextBytes: number;

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;
}

export class TipCountsDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  notes: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  attachments: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  messages: number;
}

export class TipDetailDto extends TipSummaryDto {
  @ApiProperty({ description: 'Whether the submitter accepts replies.', example: true })
  allowReplies: boolean;

  @ApiProperty({
    type: () => [NoteRefDto],
    description: 'Notes (metadata only; content at `notes`).',
  })
  notes: NoteRefDto[];

  @ApiProperty({ type: () => [AttachmentRefDto] })
  attachments: AttachmentRefDto[];

  @ApiProperty({ type: () => TipCountsDto })
  counts: TipCountsDto;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid', example: EX.otherUuid })
  id: string;

  @ApiProperty({ enum: ['submitter', 'analyst'], example: 'analyst' })
  direction: 'submitter' | 'analyst';

  @ApiProperty({
    type: () => StaffRefDto,
    nullable: true,
    description: 'The analyst who replied; null for the submitter.',
  })
  author: StaffRefDto | null;

  @ApiProperty({ format: 'date-time', example: EX.laterTime })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  attachmentCount: number;

  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({ description: 'The message as an armored OpenPGP message.', example: EX.message })
  armored: string;
}

export class MessageListDto {
  @ApiProperty({ type: () => [MessageDto], description: 'Oldest first.' })
  messages: MessageDto[];
}

export class ReplyDto {
  @ApiProperty({
    ...NOTE_BODY,
    description:
      'The reply; must not be blank. Sealed to the submitter (readable with the receipt) and ' +
      'encrypted to the intake keys.',
    example: 'Thank you. Can you say when you first saw the page?',
  })
  @IsString()
  @Length(1, 20_000)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

export class TipListDto {
  @ApiProperty({ type: () => [TipSummaryDto] })
  tips: TipSummaryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Pass as `cursor` (same filters and sort) for the next page; null on the last one.',
    example: null,
  })
  nextCursor: string | null;
}

export class PayloadDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  tipId: string;

  @ApiProperty({ example: EX.reference })
  reference: string;

  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({
    description: 'The tip as an armored OpenPGP message; decrypt with `tipctl decrypt`.',
    example: EX.message,
  })
  armored: string;
}

export class NoteDto extends NoteRefDto {
  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({ description: 'The note as an armored OpenPGP message.', example: EX.message })
  armored: string;
}

export class NoteListDto {
  @ApiProperty({ type: () => [NoteDto], description: 'Oldest first.' })
  notes: NoteDto[];
}
