import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { EX } from '../common/openapi/examples.js';
import { POW_ALGORITHM } from './pow.js';
import type { ChallengeDto } from './proof-of-work.service.js';

@ApiSchema({ name: 'ChallengeDto' })
export class ChallengeModel implements ChallengeDto {
  @ApiProperty({ enum: [POW_ALGORITHM], example: POW_ALGORITHM })
  algorithm: typeof POW_ALGORITHM;

  @ApiProperty({
    description: 'The signed challenge, valid 10 minutes, usable once.',
    example: 'eyJ2IjoxLCJuIjoiUXc5...In0.mP3qZ8y1Vd0kR2xS4tU6wX8zA0bC2eD4fG6hI8jK0lM',
  })
  challenge: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 32,
    description:
      'Leading zero bits SHA-256(challenge ":" counter) must have; 0: no proof of work is required.',
    example: 18,
  })
  difficulty: number;

  @ApiProperty({ format: 'date-time', example: EX.time })
  expiresAt: string;

  @ApiProperty({
    enum: ['X-Tipline-Pow'],
    description: 'Send the solution as `X-Tipline-Pow: <challenge>:<counter>`.',
    example: 'X-Tipline-Pow',
  })
  header: 'X-Tipline-Pow';
}
