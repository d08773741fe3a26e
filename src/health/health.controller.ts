import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth/access.decorators.js';
import { ApiErrorResponses } from '../common/openapi/error-responses.js';
import { HealthModel, type HealthDto } from './health.dto.js';
import { IntakeKeyRing } from '../intake-keys/intake-key-ring.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { ReadDatabase } from '../database/read-database.js';
import { OwnLimitPerAddress } from '../common/rate-limit/public-rate-limit.guard.js';

@ApiTags('health')
@ServedOn('public')
@OwnLimitPerAddress()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyRing: IntakeKeyRing,
    private readonly reads: ReadDatabase,
  ) {}

  @ApiOperation({ summary: 'Liveness', description: 'The process is up and its event loop turns.' })
  @ApiOkResponse({ type: HealthModel, description: 'Alive.', example: { status: 'ok' } })
  @Public()
  @Get('live')
  live(): HealthDto {
    return { status: 'ok' };
  }

  /** A replica that is down is no reason to be unready: reads fall back to the primary. */
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Ready to take tips: the database answers and at least one intake key is valid. ' +
      'The read replica state and lag are reported; a replica that is down does not make ' +
      'the service unready.',
  })
  @ApiOkResponse({
    type: HealthModel,
    description: 'Ready.',
    example: {
      status: 'ok',
      checks: {
        database: 'ok',
        intakeKeys: 1,
        replica: { state: 'up', lagSeconds: 0, lagBytes: 0 },
      },
    },
  })
  @ApiErrorResponses({
    status: 503,
    description: 'Not ready (`unavailable`); `details` lists the problems.',
    example: {
      code: 'unavailable',
      message: 'Not ready.',
      details: [{ problem: 'no valid intake key' }],
    },
  })
  // Operators' probes and proxies, not the public: the staff listener.
  @ServedOn('staff')
  @Public()
  @Get('ready')
  async ready(): Promise<HealthDto> {
    const problems: string[] = [];
    try {
      // Bounded: a saturated or stuck pool is "not ready", not a hanging probe.
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      problems.push('database unreachable');
    }
    const keys = this.keyRing.active().length;
    if (keys === 0) problems.push('no valid intake key');
    if (problems.length > 0) {
      throw new AppError(
        'unavailable',
        503,
        'Not ready.',
        problems.map((problem) => ({ problem })),
        5,
      );
    }
    const replica = await this.reads.status();
    return { status: 'ok', checks: { database: 'ok', intakeKeys: keys, replica } };
  }
}
