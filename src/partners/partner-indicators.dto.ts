import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  Length,
  Validate,
  isEmail,
  isFQDN,
  isIP,
  isURL,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

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
    return typeof value === 'string' && Object.hasOwn(CHECKS, type) && CHECKS[type](value);
  }

  defaultMessage(args: ValidationArguments): string {
    const type = (args.object as IndicatorDto).type;
    // The type is input: named only when it is one of ours.
    return (INDICATOR_TYPES as readonly string[]).includes(type)
      ? `value is not a valid ${type}`
      : 'value cannot be checked without a valid type';
  }
}

/** A typed indicator (IOC); validated per type, stored encrypted. */
export class IndicatorDto {
  @ApiProperty({ enum: INDICATOR_TYPES, enumName: 'IndicatorType', example: 'domain' })
  @IsIn(INDICATOR_TYPES)
  type: IndicatorType;

  @ApiProperty({
    minLength: 1,
    maxLength: 2048,
    description:
      'Checked against `type`: `domain` a fully qualified name; `ipv4`, `ipv6` an address; ' +
      '`url` with a scheme (http, https, ftp, hxxp, hxxps); `email`; `md5`, `sha1`, `sha256`, ' +
      '`sha512` hex of 32, 40, 64, 128 digits; `phone` E.164 (`+` and 7 to 15 digits); ' +
      '`btc-address` base58 or bech32; `eth-address` `0x` and 40 hex digits; `text` not blank. ' +
      'A bad one is `400` naming `indicators.N.value`.',
    example: 'c2.evil.example',
  })
  @IsString()
  @Length(1, 2048)
  @Validate(IndicatorValueMatchesType)
  value: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 1000,
    example: 'C2 domain, registered yesterday',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  description?: string;
}
