import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoNul } from '../common/validators.js';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { EX } from '../common/openapi/examples.js';
import { PUBLIC_STATUSES } from '../follow-ups/follow-ups.dto.js';
import { SubmitTipDto } from '../tips/intake/submit-tip.dto.js';
import { TLP_LEVELS, type Tlp } from '../tips/tip.entity.js';
import type { PublicStatus } from '../tips/public-status.js';
import { IndicatorDto } from './partner-indicators.dto.js';

/** The partner's triage hints; TLP and priority become the tip's starting values. */
export class ClassificationDto {
  @ApiPropertyOptional({
    enum: TLP_LEVELS,
    enumName: 'Tlp',
    description: "Traffic Light Protocol; the tip's starting TLP (default `amber`).",
    example: 'amber',
  })
  @IsOptional()
  @IsIn(TLP_LEVELS)
  tlp?: Tlp;

  @ApiPropertyOptional({
    enum: ['P1', 'P2', 'P3', 'P4'],
    enumName: 'Priority',
    description: "The tip's starting priority (default: from `submitterUrgency`).",
    example: 'P2',
  })
  @IsOptional()
  @IsIn(['P1', 'P2', 'P3', 'P4'])
  priority?: 'P1' | 'P2' | 'P3' | 'P4';

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: "The tip's starting confidence, in percent.",
    example: 70,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  confidence?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    minLength: 1,
    maxLength: 100,
    description: 'Free labels, 1 to 100 characters each (stored encrypted).',
    example: ['botnet', 'vpn'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  labels?: string[];
}

export class SubmitPartnerTipDto extends SubmitTipDto {
  /** The partner's own id for this tip; unique per partner. */
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    pattern: /^[\x21-\x7E]+$/,
    description:
      'Your own id for this tip: printable ASCII without spaces, unique per partner. ' +
      'A second submission is `409 source_ref_conflict` naming the existing tip.',
    example: 'SOC-2026-1142',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/^[\x21-\x7E]+$/, { message: 'sourceRef must be printable ASCII without spaces' })
  @NoNul()
  sourceRef: string;

  @ApiPropertyOptional({
    type: () => [IndicatorDto],
    maxItems: 1000,
    description: 'Typed indicators (IOCs), each validated per type; stored encrypted.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators?: IndicatorDto[];

  @ApiPropertyOptional({
    type: () => ClassificationDto,
    description:
      'Your triage hints; stored encrypted, and TLP, priority and confidence seed triage.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClassificationDto)
  classification?: ClassificationDto;

  /**
   * Detached armored OpenPGP signature over the canonical JSON (sorted keys,
   * no whitespace) of this body without the `signature` member.
   */
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 20_000,
    description:
      'Detached armored OpenPGP signature over the canonical JSON (keys sorted, no whitespace) ' +
      'of this body without `signature`, by a signing key an admin registered for you. ' +
      'A bad signature is `422 signature_invalid`; required when your partner account requires signatures.',
    example: EX.signature,
  })
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  signature?: string;
}

export type PartnerTipStatus = PublicStatus;

export class PartnerTipDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ description: "The tip's public name.", example: EX.reference })
  reference: string;

  @ApiProperty({ example: 'SOC-2026-1142' })
  sourceRef: string;

  @ApiProperty({ enum: PUBLIC_STATUSES, enumName: 'PublicStatus', example: 'received' })
  status: PartnerTipStatus;

  @ApiProperty({ format: 'date-time', example: EX.time })
  receivedAt: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Fingerprint of the signing key that verified the submission; null if unsigned.',
    example: null,
  })
  signedBy: string | null;
}

export class PartnerTipListDto {
  @ApiProperty({
    type: () => [PartnerTipDto],
    maxItems: 1,
    description: 'The tip with this sourceRef, or none.',
  })
  tips: PartnerTipDto[];
}

export class PartnerRefDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'Example Telecom SOC' })
  name: string;
}

export class PartnerLimitsDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Per API key.', example: 120 })
  requestsPerMinute: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Per partner, UTC days.',
    example: 1000,
  })
  tipsPerDay: number;
}

export class PartnerUsageCountsDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'This key, this minute.', example: 3 })
  requestsThisMinute: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'This partner, today (UTC).',
    example: 42,
  })
  tipsToday: number;
}

export class PartnerUsageResetsDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-14T09:27:00.000Z' })
  minute: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-15T00:00:00.000Z' })
  day: string;
}

export class PartnerUsageDto {
  @ApiProperty({ type: () => PartnerRefDto })
  partner: PartnerRefDto;

  @ApiProperty({ type: () => PartnerLimitsDto })
  limits: PartnerLimitsDto;

  @ApiProperty({ type: () => PartnerUsageCountsDto })
  usage: PartnerUsageCountsDto;

  @ApiProperty({ type: () => PartnerUsageResetsDto })
  resets: PartnerUsageResetsDto;
}

/** Request examples (OpenAPI) for `POST /v1/partner/tips`. */
export const SUBMIT_PARTNER_TIP_EXAMPLES = {
  full: {
    summary: 'Indicators and classification',
    value: {
      category: 'cyber',
      submitterUrgency: 'days',
      sourceRef: 'SOC-2026-1142',
      narrative: 'C2 beaconing from three hosts to a domain registered yesterday',
      indicators: [
        { type: 'domain', value: 'c2.evil.example', description: 'C2 domain' },
        { type: 'ipv4', value: '203.0.113.9' },
        {
          type: 'sha256',
          value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          description: 'Dropper',
        },
      ],
      classification: { tlp: 'amber', priority: 'P2', confidence: 70, labels: ['botnet'] },
    },
  },
  minimal: {
    summary: 'Only the required fields',
    value: {
      category: 'espionage',
      submitterUrgency: 'weeks',
      sourceRef: 'CASE-8812',
      narrative: 'A visiting researcher asked for access to the export-controlled lab.',
    },
  },
} as const;
