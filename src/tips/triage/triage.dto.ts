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

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TIP_SORTS = ['received_desc', 'received_asc', 'priority'] as const;
export type TipSort = (typeof TIP_SORTS)[number];

export const TAG_PATTERN = /^[a-z0-9][a-z0-9:._-]{0,49}$/;

/** `?status=new,triaging` and `?status=new&status=triaging` both become a list. */
const csv = () =>
  Transform(({ value }: { value: unknown }): unknown[] =>
    (Array.isArray(value) ? (value as unknown[]) : [value])
      .flatMap((v: unknown): unknown[] => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v: unknown): unknown => (typeof v === 'string' ? v.trim() : v))
      .filter((v: unknown) => v !== ''),
  );

export class ListTipsQuery {
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(TIP_STATUSES, { each: true })
  status?: TipStatus[];

  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(TIP_CATEGORIES, { each: true })
  category?: TipCategory[];

  @IsOptional()
  @IsIn(TIP_CHANNELS)
  channel?: TipChannel;

  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(PRIORITIES, { each: true })
  priority?: Priority[];

  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(['1', '2', '3', '4'], { each: true })
  severity?: string[];

  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(TLP_LEVELS, { each: true })
  tlp?: Tlp[];

  /** Tips carrying every one of these tags. */
  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(TAG_PATTERN, { each: true })
  tags?: string[];

  /** `me`, `none`, or a user id. */
  @IsOptional()
  @ValidateIf((_, v) => v !== 'me' && v !== 'none')
  @IsUUID()
  assignee?: string;

  @IsOptional()
  @csv()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(SUBMITTER_URGENCIES, { each: true })
  urgency?: SubmitterUrgency[];

  @IsOptional()
  @IsISO8601({ strict: true })
  receivedFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  receivedTo?: string;

  @IsOptional()
  @IsUUID()
  partner?: string;

  @IsOptional()
  @IsIn(TIP_SORTS)
  sort?: TipSort;

  @IsOptional()
  @IsString()
  @Length(1, 300)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class UpdateTipDto {
  /** The version you read; a stale one gets 409. */
  @IsInt()
  @Min(1)
  version: number;

  @IsOptional()
  @IsIn(TIP_STATUSES)
  status?: TipStatus;

  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(4)
  severity?: number | null;

  @IsOptional()
  @IsIn(TLP_LEVELS)
  tlp?: Tlp;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(100)
  confidence?: number | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true })
  tags?: string[];

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  duplicateOf?: string | null;

  /** A user id, `me`, or null to release. */
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== 'me')
  @IsUUID()
  assigneeId?: string | null;

  @IsOptional()
  @IsBoolean()
  legalHold?: boolean;
}

export class AddNoteDto {
  @IsString()
  @Length(1, 20_000)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

export interface StaffRefDto {
  id: string;
  username: string;
}

export interface TipSummaryDto {
  id: string;
  reference: string;
  channel: TipChannel;
  partnerId: string | null;
  sourceRef: string | null;
  category: TipCategory;
  submitterUrgency: SubmitterUrgency;
  receivedAt: string;
  status: TipStatus;
  priority: Priority;
  severity: number | null;
  tlp: Tlp;
  confidence: number | null;
  tags: string[];
  assignee: StaffRefDto | null;
  duplicateOf: string | null;
  legalHold: boolean;
  purgeAfter: string | null;
  payloadBytes: number;
  attachmentCount: number;
  keyFingerprints: string[];
  signature: string | null;
  version: number;
  updatedAt: string | null;
}

export interface NoteRefDto {
  id: string;
  author: StaffRefDto;
  createdAt: string;
}

export interface AttachmentRefDto {
  n: number;
  messageId: string | null;
  ciphertextBytes: number;
  createdAt: string;
}

export interface TipDetailDto extends TipSummaryDto {
  allowReplies: boolean;
  notes: NoteRefDto[];
  attachments: AttachmentRefDto[];
  counts: { notes: number; attachments: number; messages: number };
}

export interface MessageDto {
  id: string;
  direction: 'submitter' | 'analyst';
  author: StaffRefDto | null;
  createdAt: string;
  attachmentCount: number;
  keyFingerprints: string[];
  armored: string;
}

export class ReplyDto {
  @IsString()
  @Length(1, 20_000)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

export interface TipListDto {
  tips: TipSummaryDto[];
  nextCursor: string | null;
}

export interface PayloadDto {
  tipId: string;
  reference: string;
  keyFingerprints: string[];
  armored: string;
}

export interface NoteDto extends NoteRefDto {
  keyFingerprints: string[];
  armored: string;
}
