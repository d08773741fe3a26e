import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth/access.decorators.js';
import { IntakeKeyRing } from '../crypto/intake-key-ring.js';

export interface HealthDto {
  status: 'ok';
  checks?: { database: 'ok'; intakeKeys: number };
}

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyRing: IntakeKeyRing,
  ) {}

  /** The process is up and its event loop turns. */
  @Public()
  @Get('live')
  live(): HealthDto {
    return { status: 'ok' };
  }

  /** Ready to take tips: the database answers and at least one intake key is valid. */
  @Public()
  @Get('ready')
  async ready(): Promise<HealthDto> {
    const problems: string[] = [];
    try {
      await this.dataSource.query('SELECT 1');
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
    return { status: 'ok', checks: { database: 'ok', intakeKeys: keys } };
  }
}
