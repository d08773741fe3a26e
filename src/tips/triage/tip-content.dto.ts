import { ApiProperty } from '@nestjs/swagger';
import { EX } from '../../common/openapi/examples.js';
import { NonBlankText } from '../../common/validators.js';
import { FINGERPRINTS, NoteRefDto, StaffRefDto } from './tip-response.dto.js';

export class AddNoteDto {
  @NonBlankText(20_000, {
    description: 'The note; must not be blank. Encrypted to the intake keys on arrival.',
    example: 'Domain registered with the same e-mail as case TIP-3H8P-K2QW.',
  })
  body: string;
}

export class ReplyDto {
  @NonBlankText(20_000, {
    description:
      'The reply; must not be blank. Sealed to the submitter (readable with the receipt) and ' +
      'encrypted to the intake keys.',
    example: 'Thank you. Can you say when you first saw the page?',
  })
  body: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid', example: EX.otherUuid })
  id: string;

  @ApiProperty({ enum: ['submitter', 'analyst'], example: 'analyst' })
  direction: 'submitter' | 'analyst';

  @ApiProperty({
    type: () => StaffRefDto,
    nullable: true,
    description: 'The analyst who replied; null for the submitter.',
  })
  author: StaffRefDto | null;

  @ApiProperty({ format: 'date-time', example: EX.laterTime })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  attachmentCount: number;

  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({ description: 'The message as an armored OpenPGP message.', example: EX.message })
  armored: string;
}

export class MessageListDto {
  @ApiProperty({ type: () => [MessageDto], description: 'Oldest first.' })
  messages: MessageDto[];
}

export class PayloadDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  tipId: string;

  @ApiProperty({ example: EX.reference })
  reference: string;

  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({
    description: 'The tip as an armored OpenPGP message; decrypt with `tipctl decrypt`.',
    example: EX.message,
  })
  armored: string;
}

export class NoteDto extends NoteRefDto {
  @ApiProperty(FINGERPRINTS)
  keyFingerprints: string[];

  @ApiProperty({ description: 'The note as an armored OpenPGP message.', example: EX.message })
  armored: string;
}

export class NoteListDto {
  @ApiProperty({ type: () => [NoteDto], description: 'Oldest first.' })
  notes: NoteDto[];
}
