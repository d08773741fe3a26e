import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { ReadDatabase } from '../database/read-database.js';
import { IntakeKeyRing } from '../intake-keys/intake-key-ring.js';
import type { HealthDto } from './health.dto.js';

/**
 * Ready to take tips: the database answers and at least one intake key is
 * valid. A replica that is down is no reason to be unready: reads fall back
 * to the primary.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyRing: IntakeKeyRing,
    private readonly reads: ReadDatabase,
  ) {}

  async check(): Promise<HealthDto> {
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
