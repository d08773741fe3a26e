import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import {
  SUBMITTER_URGENCIES,
  TIP_CATEGORIES,
  type SubmitterUrgency,
  type TipCategory,
} from '../tip.entity.js';

const NOT_BLANK = /\S/u;

/**
 * A public tip. `category` and `submitterUrgency` are stored in clear for
 * triage; every other field is encrypted on arrival and never stored as is.
 */
export class SubmitTipDto {
  @IsIn(TIP_CATEGORIES)
  category: TipCategory;

  @IsIn(SUBMITTER_URGENCIES)
  submitterUrgency: SubmitterUrgency;

  @IsString()
  @Length(1, 100_000)
  @Matches(NOT_BLANK, { message: 'narrative must not be blank' })
  narrative: string;

  @IsOptional()
  @IsString()
  @Length(1, 2_000)
  location?: string;

  /** Free text: "last Tuesday evening" is as welcome as an ISO date. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  occurredAt?: string;

  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  peopleInvolved?: string;

  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  organisationsInvolved?: string;

  /** How to reach the submitter, only if they wish. */
  @IsOptional()
  @IsString()
  @Length(1, 2_000)
  contact?: string;
}

export class SubmitPublicTipDto extends SubmitTipDto {
  /** Default true: analysts can reply, readable only with the receipt. */
  @IsOptional()
  @IsBoolean()
  allowReplies?: boolean;
}

export class SubmitTipResponseDto {
  reference: string;
  /** Shown once; the server keeps only an HMAC of it. */
  receipt: string;
  status: 'received';
}
