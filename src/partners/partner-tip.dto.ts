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
  Validate,
  ValidateNested,
  isEmail,
  isFQDN,
  isIP,
  isURL,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { SubmitTipDto } from '../tips/intake/submit-tip.dto.js';
import { TLP_LEVELS, type Tlp } from '../tips/tip.entity.js';
import type { PublicStatus } from '../tips/public-status.js';

export const INDICATOR_TYPES = [
  'domain',
  'ipv4',
  'ipv6',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'phone',
  'btc-address',
  'eth-address',
  'text',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

const HEX = (n: number) => new RegExp(`^[0-9a-fA-F]{${n}}$`);
const CHECKS: Record<IndicatorType, (v: string) => boolean> = {
  domain: (v) => isFQDN(v, { require_tld: true, allow_underscores: true }),
  ipv4: (v) => isIP(v, 4),
  ipv6: (v) => isIP(v, 6),
  url: (v) =>
    isURL(v, { protocols: ['http', 'https', 'ftp', 'hxxp', 'hxxps'], require_protocol: true }),
  email: (v) => isEmail(v),
  md5: (v) => HEX(32).test(v),
  sha1: (v) => HEX(40).test(v),
  sha256: (v) => HEX(64).test(v),
  sha512: (v) => HEX(128).test(v),
  /** E.164 */
  phone: (v) => /^\+[1-9]\d{6,14}$/.test(v),
  'btc-address': (v) => /^(bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$/.test(v),
  'eth-address': (v) => /^0x[0-9a-fA-F]{40}$/.test(v),
  text: (v) => v.trim().length > 0,
};

@ValidatorConstraint({ name: 'indicatorValue' })
class IndicatorValueMatchesType implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const type = (args.object as IndicatorDto).type;
    return typeof value === 'string' && type in CHECKS && CHECKS[type](value);
  }

  defaultMessage(args: ValidationArguments): string {
    return `value is not a valid ${(args.object as IndicatorDto).type}`;
  }
}

/** A typed indicator (IOC); validated per type, stored encrypted. */
export class IndicatorDto {
  @IsIn(INDICATOR_TYPES)
  type: IndicatorType;

  @IsString()
  @Length(1, 2048)
  @Validate(IndicatorValueMatchesType)
  value: string;

  @IsOptional()
  @IsString()
  @Length(1, 1000)
  description?: string;
}

/** The partner's triage hints; TLP and priority become the tip's starting values. */
export class ClassificationDto {
  @IsOptional()
  @IsIn(TLP_LEVELS)
  tlp?: Tlp;

  @IsOptional()
  @IsIn(['P1', 'P2', 'P3', 'P4'])
  priority?: 'P1' | 'P2' | 'P3' | 'P4';

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  confidence?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  labels?: string[];
}

export class SubmitPartnerTipDto extends SubmitTipDto {
  /** The partner's own id for this tip; unique per partner. */
  @IsString()
  @Length(1, 200)
  @Matches(/^[\x21-\x7E]+$/, { message: 'sourceRef must be printable ASCII without spaces' })
  sourceRef: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators?: IndicatorDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ClassificationDto)
  classification?: ClassificationDto;

  /**
   * Detached armored OpenPGP signature over the canonical JSON (sorted keys,
   * no whitespace) of this body without the `signature` member.
   */
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  signature?: string;
}

export type PartnerTipStatus = PublicStatus;

export interface PartnerTipDto {
  id: string;
  reference: string;
  sourceRef: string;
  status: PartnerTipStatus;
  receivedAt: string;
  signedBy: string | null;
}

export interface PartnerUsageDto {
  partner: { id: string; name: string };
  limits: { requestsPerMinute: number; tipsPerDay: number };
  usage: { requestsThisMinute: number; tipsToday: number };
  resets: { minute: string; day: string };
}
