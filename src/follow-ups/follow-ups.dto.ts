import { IsString, Length, Matches } from 'class-validator';
import type { PublicStatus } from '../tips/public-status.js';

export class CheckInDto {
  /** The 8 words returned at submission. */
  @IsString()
  @Length(8, 200)
  receipt: string;
}

export class FollowUpMessageDto extends CheckInDto {
  @IsString()
  @Length(1, 20_000)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

export interface ThreadEntryDto {
  from: 'you' | 'analyst';
  /** Your own messages are timed to the minute. */
  at: string;
  /** Null for your own messages when you opted out of replies (no key to show them back). */
  body: string | null;
  attachments: number;
}

export interface CheckInResponseDto {
  reference: string;
  status: PublicStatus;
  receivedAt: string;
  repliesEnabled: boolean;
  thread: ThreadEntryDto[];
}

export interface FollowUpMessageResponseDto {
  status: 'received';
  at: string;
  attachments: number;
}
