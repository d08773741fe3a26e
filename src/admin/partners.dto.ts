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
import { API_KEY_SCOPES, type ApiKeyScope } from '../partners/api-keys.js';
import type { ApiKey, Partner, PartnerSigningKey } from '../partners/partner.entity.js';

export class CreatePartnerDto {
  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @IsBoolean()
  requireSignature?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tipsPerDay?: number;
}

export class UpdatePartnerDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsBoolean()
  requireSignature?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tipsPerDay?: number;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class CreateApiKeyDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];

  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class AddSigningKeyDto {
  @IsString()
  @Length(1, 100_000)
  armored: string;
}

export interface PartnerDto {
  id: string;
  name: string;
  requireSignature: boolean;
  requestsPerMinute: number;
  tipsPerDay: number;
  disabled: boolean;
  createdAt: string;
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

export interface ApiKeyDto {
  id: string;
  label: string | null;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
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

export interface SigningKeyDto {
  fingerprint: string;
  addedAt: string;
  retiredAt: string | null;
}

export function mapSigningKey(k: PartnerSigningKey): SigningKeyDto {
  return {
    fingerprint: k.fingerprint,
    addedAt: k.addedAt.toISOString(),
    retiredAt: k.retiredAt?.toISOString() ?? null,
  };
}
