import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArmoredPublicKey, NoNul } from '../common/validators.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { EX } from '../common/openapi/examples.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../partners/api-keys.js';
import type { ApiKey, Partner, PartnerSigningKey } from '../partners/partner.entity.js';

export class CreatePartnerDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    description: 'Unique.',
    example: 'Example Telecom SOC',
  })
  @IsString()
  @Length(1, 200)
  @NoNul()
  name: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Every submission must then carry a valid `signature`.',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  requireSignature?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100_000,
    default: 60,
    description: 'Per API key.',
    example: 120,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10_000_000,
    default: 1000,
    description: 'Per partner, per UTC day.',
    example: 1000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tipsPerDay?: number;
}

export class UpdatePartnerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Example Telecom CERT' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoNul()
  name?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  requireSignature?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000, example: 300 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000_000, example: 5000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tipsPerDay?: number;

  @ApiPropertyOptional({
    description: "A disabled partner's keys stop working at once.",
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class CreateApiKeyDto {
  @ApiProperty({
    enum: API_KEY_SCOPES,
    enumName: 'ApiKeyScope',
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description: '`tips:submit` to post tips, `tips:read` to read your tips back and your usage.',
    example: ['tips:submit', 'tips:read'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'SOC ingestion, production' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoNul()
  label?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'ISO 8601; the key stops working then. Default: never.',
    example: '2027-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class AddSigningKeyDto {
  @ArmoredPublicKey(
    "An armored OpenPGP public key able to sign: the partner's submission signatures.",
  )
  armored: string;
}

export class PartnerDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'Example Telecom SOC' })
  name: string;

  @ApiProperty({ example: false })
  requireSignature: boolean;

  @ApiProperty({ type: 'integer', minimum: 1, example: 120 })
  requestsPerMinute: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1000 })
  tipsPerDay: number;

  @ApiProperty({ example: false })
  disabled: boolean;

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;
}

export class PartnerListDto {
  @ApiProperty({ type: () => [PartnerDto] })
  partners: PartnerDto[];
}

export function mapPartner(p: Partner): PartnerDto {
  return {
    id: p.id,
    name: p.name,
    requireSignature: p.requireSignature,
    requestsPerMinute: p.requestsPerMinute,
    tipsPerDay: p.tipsPerDay,
    disabled: p.disabledAt !== null,
    createdAt: p.createdAt.toISOString(),
  };
}

export class ApiKeyDto {
  @ApiProperty({
    description: 'The `<id>` part of `tpk_<id>_<secret>`.',
    example: '9f3c2a7b1d4e6f80',
  })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'SOC ingestion, production' })
  label: string | null;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    enumName: 'ApiKeyScope',
    isArray: true,
    example: ['tips:submit', 'tips:read'],
  })
  scopes: string[];

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  expiresAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  revokedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.laterTime })
  lastUsedAt: string | null;
}

export class ApiKeyListDto {
  @ApiProperty({ type: () => [ApiKeyDto] })
  apiKeys: ApiKeyDto[];
}

export class NewApiKeyDto {
  @ApiProperty({
    description: 'The API key `tpk_<id>_<secret>`: shown once, stored only as a hash.',
    example: 'tpk_9f3c2a7b1d4e6f80_q8Xn2Lr5Vt0Zc7Bm4Kd1Hs6Jw3Pf9Ga2Ye5Ru8Ti1Oa',
  })
  apiKey: string;

  @ApiProperty({ type: () => ApiKeyDto })
  key: ApiKeyDto;
}

/** The secret hash never leaves the server. */
export function mapApiKey(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    label: k.label,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

export class SigningKeyDto {
  @ApiProperty({ example: EX.fingerprint })
  fingerprint: string;

  @ApiProperty({ format: 'date-time', example: EX.time })
  addedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  retiredAt: string | null;
}

export class SigningKeyListDto {
  @ApiProperty({ type: () => [SigningKeyDto] })
  signingKeys: SigningKeyDto[];
}

export class SigningKeyAddedDto {
  @ApiProperty({ example: EX.fingerprint })
  fingerprint: string;
}

export function mapSigningKey(k: PartnerSigningKey): SigningKeyDto {
  return {
    fingerprint: k.fingerprint,
    addedAt: k.addedAt.toISOString(),
    retiredAt: k.retiredAt?.toISOString() ?? null,
  };
}
