import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { VerifyResult } from '../../audit/audit-log.js';
import type { IntakeKeyDto, IntakeKeysResponseDto } from '../../crypto/intake-keys.controller.js';
import type { HealthDto } from '../../health/health.controller.js';
import { POW_ALGORITHM } from '../../proof-of-work/pow.js';
import type { ChallengeDto } from '../../proof-of-work/proof-of-work.service.js';
import { EX } from './examples.js';

/*
 * OpenAPI models of response types declared as interfaces outside the DTO
 * files. Each class `implements` its interface, so the compiler keeps the two
 * in step; the schema keeps the interface's name.
 */

@ApiSchema({ name: 'ReplicaStatusDto' })
export class ReplicaStatusModel {
  @ApiProperty({
    enum: ['none', 'up', 'down'],
    description:
      '`none`: no `DATABASE_READ_URL`. `down`: reads go to the primary until the replica ' +
      'answers again (the service stays ready).',
    example: 'up',
  })
  state: 'none' | 'up' | 'down';

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    description: "Seconds the replica's replay trails the primary (0 when caught up).",
    example: 0,
  })
  lagSeconds?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'WAL bytes the replica has still to replay.',
    example: 0,
  })
  lagBytes?: number;
}

@ApiSchema({ name: 'HealthChecksDto' })
export class HealthChecksModel {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  database: 'ok';

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Valid intake keys loaded.',
    example: 1,
  })
  intakeKeys: number;

  @ApiProperty({ type: () => ReplicaStatusModel, description: 'The read replica.' })
  replica: ReplicaStatusModel;
}

@ApiSchema({ name: 'HealthDto' })
export class HealthModel implements HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';

  @ApiPropertyOptional({ type: () => HealthChecksModel, description: 'Readiness only.' })
  checks?: HealthChecksModel;
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

@ApiSchema({ name: 'AuditChainBreakDto' })
export class AuditChainBreakModel {
  @ApiProperty({ description: 'Id of the first event that does not verify.', example: '1042' })
  id: string;

  @ApiProperty({ enum: ['hash_mismatch', 'broken_link'], example: 'hash_mismatch' })
  reason: 'hash_mismatch' | 'broken_link';
}

@ApiSchema({ name: 'AuditVerifyResultDto' })
export class AuditVerifyResultModel implements VerifyResult {
  @ApiProperty({ description: 'True when every event verifies.', example: true })
  ok: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events verified.', example: 1041 })
  checked: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Hex SHA-256 of the newest event (null when there are none, or the chain is broken): ' +
      'note it down to detect truncation later.',
    example: EX.hash,
  })
  headHash: string | null;

  @ApiPropertyOptional({
    type: () => AuditChainBreakModel,
    description: 'Present when `ok` is false: where the chain breaks.',
  })
  firstBroken?: AuditChainBreakModel;
}

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
