import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import type { PartnerUsageDto } from './partner-tip.dto.js';

export const PARTNER_WINDOW_MS = 60_000;

export function partnerRateKey(keyId: string): string {
  return `partner-key:${keyId}`;
}

@Injectable()
export class PartnerUsage {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
  ) {}

  async of(partner: PartnerPrincipal): Promise<PartnerUsageDto> {
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [rows, window] = await Promise.all([
      this.dataSource.query<Array<{ n: string }>>(
        'SELECT count(*) AS n FROM tip WHERE partner_id = $1 AND received_at >= $2',
        [partner.partnerId, dayStart],
      ),
      this.counters.peek(partnerRateKey(partner.keyId)),
    ]);
    return {
      partner: { id: partner.partnerId, name: partner.partnerName },
      limits: { requestsPerMinute: partner.requestsPerMinute, tipsPerDay: partner.tipsPerDay },
      usage: { requestsThisMinute: window.count, tipsToday: Number(rows[0]?.n ?? 0) },
      resets: {
        minute: new Date(now.getTime() + window.resetMs).toISOString(),
        day: new Date(dayStart.getTime() + 86_400_000).toISOString(),
      },
    };
  }
}
