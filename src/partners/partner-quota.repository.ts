import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** `YYYY-MM-DD` of a time's UTC day: the quota's day. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A partner's tips per UTC day, one counter row per partner and day. */
@Injectable()
export class PartnerQuotaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts one more tip for the day, inside the caller's transaction, and
   * returns the day's count including it. The row lock orders concurrent
   * submissions of one partner, on every instance; a rollback undoes it.
   */
  async countOneMore(manager: EntityManager, partnerId: string, at: Date): Promise<number> {
    const rows = await manager.query<Array<{ tips: number }>>(
      `INSERT INTO partner_daily_tips (partner_id, day, tips) VALUES ($1, $2, 1)
       ON CONFLICT (partner_id, day) DO UPDATE SET tips = partner_daily_tips.tips + 1
       RETURNING tips`,
      [partnerId, utcDay(at)],
    );
    return Number(rows[0]?.tips ?? 0);
  }

  async tipsOn(partnerId: string, at: Date): Promise<number> {
    const rows = await this.dataSource.query<Array<{ tips: number }>>(
      'SELECT tips FROM partner_daily_tips WHERE partner_id = $1 AND day = $2',
      [partnerId, utcDay(at)],
    );
    return Number(rows[0]?.tips ?? 0);
  }
}
