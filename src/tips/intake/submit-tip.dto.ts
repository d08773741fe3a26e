import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { EX } from '../../common/openapi/examples.js';
import { NonBlankText } from '../../common/validators.js';
import {
  SUBMITTER_URGENCIES,
  TIP_CATEGORIES,
  type SubmitterUrgency,
  type TipCategory,
} from '../tip.entity.js';

/**
 * A public tip. `category` and `submitterUrgency` are stored in clear for
 * triage; every other field is encrypted on arrival and never stored as is.
 */
export class SubmitTipDto {
  @ApiProperty({
    enum: TIP_CATEGORIES,
    enumName: 'TipCategory',
    description: 'Stored in clear for triage.',
    example: 'cyber',
  })
  @IsIn(TIP_CATEGORIES)
  category: TipCategory;

  @ApiProperty({
    enum: SUBMITTER_URGENCIES,
    enumName: 'SubmitterUrgency',
    description:
      'How soon something may happen; stored in clear. Sets the starting priority: ' +
      '`immediate-danger` P1, `days` P2, `weeks` and `unknown` P3.',
    example: 'days',
  })
  @IsIn(SUBMITTER_URGENCIES)
  submitterUrgency: SubmitterUrgency;

  @NonBlankText(100_000, {
    description: 'What happened. Encrypted on arrival; must not be blank.',
    example: 'Phishing kit targeting the ministry VPN portal',
  })
  narrative: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 2_000, example: 'online' })
  @IsOptional()
  @IsString()
  @Length(1, 2_000)
  location?: string;

  /** Free text: "last Tuesday evening" is as welcome as an ISO date. */
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Free text: "last Tuesday evening" is as welcome as an ISO date.',
    example: 'last Tuesday evening',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  occurredAt?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 10_000,
    example: 'Two people using the alias "k0r"',
  })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  peopleInvolved?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 10_000, example: 'A hosting company in the EU' })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  organisationsInvolved?: string;

  /** How to reach the submitter, only if they wish. */
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 2_000,
    description: 'How to reach the submitter, only if they wish.',
    example: 'only via this receipt',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2_000)
  contact?: string;
}

export class SubmitPublicTipDto extends SubmitTipDto {
  /** Default true: analysts can reply, readable only with the receipt. */
  @ApiPropertyOptional({
    default: true,
    description:
      'Whether analysts may reply (readable only with the receipt). `false`: no reply key exists.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  allowReplies?: boolean;
}

export class SubmitTipResponseDto {
  @ApiProperty({ description: "The tip's public name.", example: EX.reference })
  reference: string;

  /** Shown once; the server keeps only an HMAC of it. */
  @ApiProperty({
    description:
      'Eight words (88 bits), shown once: the only way back to this tip (`/v1/follow-ups`). ' +
      'The server keeps only an HMAC of it.',
    example: EX.receipt,
  })
  receipt: string;

  @ApiProperty({ enum: ['received'], example: 'received' })
  status: 'received';
}

/** A request example (OpenAPI) for the public tip form. */
export const SUBMIT_PUBLIC_TIP_EXAMPLE = {
  category: 'cyber',
  submitterUrgency: 'days',
  narrative: 'Phishing kit targeting the ministry VPN portal',
  location: 'online',
  contact: 'only via this receipt',
} as const satisfies Partial<SubmitPublicTipDto>;
