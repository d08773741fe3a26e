import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { param, runStatement, type StatementPart } from '../database/statement.js';

/** `YYYY-MM-DD` of a time's UTC day: the quota's day. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A partner's tips per UTC day, one counter row per partner and day. */
@Injectable()
export class PartnerQuotaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One more tip for the day when the day has room for it, as a piece of the
   * tip's own statement (TipEnvelope's guard): it returns a row only when it
   * counted. The row lock orders one partner's concurrent submissions on
   * every instance, and is held only until that statement commits.
   */
  countOneMoreWithin(partnerId: string, at: Date, tipsPerDay: number): StatementPart {
    return {
      name: 'quota',
      sql: (values, onlyIf) => {
        const limit = `${param(values, tipsPerDay)}::integer`;
        return `INSERT INTO partner_daily_tips (partner_id, day, tips)
                SELECT ${param(values, partnerId)}::uuid, ${param(values, utcDay(at))}::date, 1
                 WHERE ${limit} >= 1 AND ${onlyIf}
                ON CONFLICT (partner_id, day) DO UPDATE SET tips = partner_daily_tips.tips + 1
                 WHERE partner_daily_tips.tips < ${limit}
                RETURNING tips`;
      },
    };
  }

  /**
   * Takes back a count whose tip was not written after all (its statement's
   * Idempotency-Key guard found the key taken by a concurrent request).
   */
  async countOneLess(partnerId: string, at: Date): Promise<void> {
    await runStatement(this.dataSource, {
      name: 'quota_give_back',
      text: 'UPDATE partner_daily_tips SET tips = tips - 1 WHERE partner_id = $1 AND day = $2 AND tips > 0',
      values: [partnerId, utcDay(at)],
    });
  }

  async tipsOn(partnerId: string, at: Date): Promise<number> {
    const rows = await this.dataSource.query<Array<{ tips: number }>>(
      'SELECT tips FROM partner_daily_tips WHERE partner_id = $1 AND day = $2',
      [partnerId, utcDay(at)],
    );
    return Number(rows[0]?.tips ?? 0);
  }
}
