import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ReplicaStatus } from '../database/read-database.js';

export interface HealthDto {
  status: 'ok';
  checks?: { database: 'ok'; intakeKeys: number; replica: ReplicaStatus };
}

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
