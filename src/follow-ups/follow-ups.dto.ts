import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { EX } from '../common/openapi/examples.js';
import { NonBlankText } from '../common/validators.js';
import type { PublicStatus } from '../tips/public-status.js';

/** What a submitter or partner sees of a tip's progress (OpenAPI enum of `PublicStatus`). */
export const PUBLIC_STATUSES = [
  'received',
  'under review',
  'closed',
] as const satisfies readonly PublicStatus[];

export class CheckInDto {
  /** The 8 words returned at submission. */
  @ApiProperty({
    minLength: 8,
    maxLength: 200,
    description: 'The 8 words returned at submission (never put it in a URL).',
    example: EX.receipt,
  })
  @IsString()
  @Length(8, 200)
  receipt: string;
}

export class FollowUpMessageDto extends CheckInDto {
  @NonBlankText(20_000, {
    description: 'Your message to the analysts; must not be blank. Encrypted on arrival.',
    example: 'I remembered one more detail: the portal copy was hosted on a .top domain.',
  })
  body: string;
}

export class ThreadEntryDto {
  @ApiProperty({ enum: ['you', 'analyst'], example: 'analyst' })
  from: 'you' | 'analyst';

  /** Your own messages are timed to the minute. */
  @ApiProperty({
    format: 'date-time',
    description: 'Your own messages are timed to the minute.',
    example: EX.time,
  })
  at: string;

  /** Null for your own messages when you opted out of replies (no key to show them back). */
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The message. Null for your own messages when you opted out of replies (no key to show them back).',
    example: 'Thank you. Can you say when you first saw the page?',
  })
  body: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Files attached.', example: 0 })
  attachments: number;
}

export class CheckInResponseDto {
  @ApiProperty({ example: EX.reference })
  reference: string;

  @ApiProperty({ enum: PUBLIC_STATUSES, enumName: 'PublicStatus', example: 'under review' })
  status: PublicStatus;

  @ApiProperty({ format: 'date-time', description: 'Timed to the minute.', example: EX.time })
  receivedAt: string;

  @ApiProperty({ description: 'Whether analysts can reply to this tip.', example: true })
  repliesEnabled: boolean;

  @ApiProperty({ type: () => [ThreadEntryDto], description: 'Oldest first.' })
  thread: ThreadEntryDto[];
}

export class FollowUpMessageResponseDto {
  @ApiProperty({ enum: ['received'], example: 'received' })
  status: 'received';

  @ApiProperty({ format: 'date-time', description: 'Timed to the minute.', example: EX.time })
  at: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 10,
    description: 'Files stored.',
    example: 1,
  })
  attachments: number;
}
