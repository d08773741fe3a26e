import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { EX } from '../common/openapi/examples.js';

export interface IntakeKeyDto {
  fingerprint: string;
  version: number;
  expiresAt: string | null;
  armored: string;
  /** `config`: set up on the server host; `admin`: added through the API and approved by a second admin. */
  source: 'config' | 'admin';
  approvedAt: string | null;
  /** Username of the admin who approved it; null for a configured key. */
  approvedBy: string | null;
}

export interface IntakeKeysResponseDto {
  keys: IntakeKeyDto[];
}

@ApiSchema({ name: 'IntakeKeyDto' })
export class IntakeKeyModel implements IntakeKeyDto {
  @ApiProperty({
    description: 'Upper-case hex fingerprint of the primary key.',
    example: EX.fingerprint,
  })
  fingerprint: string;

  @ApiProperty({ type: 'integer', enum: [4, 6], description: 'OpenPGP key version.', example: 4 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  expiresAt: string | null;

  @ApiProperty({ description: 'The armored public key.', example: EX.publicKey })
  armored: string;

  @ApiProperty({
    enum: ['config', 'admin'],
    description: '`config`: set up on the server host; `admin`: added through the API.',
    example: 'admin',
  })
  source: 'config' | 'admin';

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a second admin approved it (null for a configured key).',
    example: EX.time,
  })
  approvedAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Username of the admin who approved it (null for a configured key).',
    example: 'c.admin',
  })
  approvedBy: string | null;
}

@ApiSchema({ name: 'IntakeKeysResponseDto' })
export class IntakeKeysResponseModel implements IntakeKeysResponseDto {
  @ApiProperty({ type: () => [IntakeKeyModel] })
  keys: IntakeKeyModel[];
}
