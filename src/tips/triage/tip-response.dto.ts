import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
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
import { PRIORITIES, type Priority } from './tip-fields.js';

export class StaffRefDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'a.analyst' })
  username: string;
}

export const FINGERPRINTS: ApiPropertyOptions = {
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
