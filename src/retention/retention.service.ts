import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { returning } from '../database/returning.js';

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
export class Retention {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async purgeDue(batch = 200): Promise<PurgeResult> {
    let tips = 0;
    for (;;) {
      const purged = await this.dataSource.transaction(async (m) => {
        // SKIP LOCKED: concurrent runs (several instances) never take the same tips.
        const rows = await returning<{
          id: string;
          reference: string;
          channel: string;
          category: string;
        }>(
          m,
          `DELETE FROM tip WHERE id IN (
             SELECT id FROM tip
              WHERE purge_after IS NOT NULL AND purge_after <= now() AND NOT legal_hold
              ORDER BY purge_after LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id, reference, channel, category`,
          [batch],
        );
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
