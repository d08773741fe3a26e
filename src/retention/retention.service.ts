import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { returning } from '../database/returning.js';
import { TipsRepository } from '../tips/tips.repository.js';

export interface PurgeResult {
  tips: number;
  idempotencyRecords: number;
  spentChallenges: number;
}

/**
 * Deletes tips whose purge_after has passed (never under legal hold), with
 * their notes, messages and attachments (cascade), leaving an audit event
 * that names the reference only, and keeping counts for the metrics.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly tips: TipsRepository,
  ) {}

  async purgeDue(batch = 200): Promise<PurgeResult> {
    let tips = 0;
    for (;;) {
      const purged = await this.dataSource.transaction(async (m) => {
        const rows = await this.tips.deleteDueForPurge(m, batch);
        for (const row of rows) {
          await this.audit.append(m, {
            actor: null,
            action: 'tip.purged',
            targetType: 'tip',
            targetId: row.id,
            details: { reference: row.reference },
          });
          await m.query(
            `INSERT INTO retention_stat (channel, category, purged) VALUES ($1, $2, 1)
             ON CONFLICT (channel, category) DO UPDATE SET purged = retention_stat.purged + 1`,
            [row.channel, row.category],
          );
        }
        return rows.length;
      });
      tips += purged;
      if (purged < batch) break;
    }
    const idempotency = await returning(
      this.dataSource,
      'DELETE FROM idempotency_record WHERE expires_at < now() RETURNING 1',
    );
    const spent = await returning(
      this.dataSource,
      'DELETE FROM pow_spent WHERE expires_at < now() RETURNING 1',
    );
    const result = { tips, idempotencyRecords: idempotency.length, spentChallenges: spent.length };
    if (tips > 0) this.logger.log(`purged ${tips} tip(s) past retention`);
    return result;
  }
}
