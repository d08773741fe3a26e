import { Inject, Injectable } from '@nestjs/common';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { PartnerQuotaRepository } from './partner-quota.repository.js';
import type { PartnerUsageDto } from './partner-tip.dto.js';

export const PARTNER_WINDOW_MS = 60_000;

export function partnerRateKey(keyId: string): string {
  return `partner-key:${keyId}`;
}

@Injectable()
export class PartnerUsage {
  constructor(
    private readonly quota: PartnerQuotaRepository,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
  ) {}

  async of(partner: PartnerPrincipal): Promise<PartnerUsageDto> {
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [tipsToday, window] = await Promise.all([
      this.quota.tipsOn(partner.partnerId, now),
      this.counters.peek(partnerRateKey(partner.keyId)),
    ]);
    return {
      partner: { id: partner.partnerId, name: partner.partnerName },
      limits: { requestsPerMinute: partner.requestsPerMinute, tipsPerDay: partner.tipsPerDay },
      usage: { requestsThisMinute: window.count, tipsToday },
      resets: {
        minute: new Date(now.getTime() + window.resetMs).toISOString(),
        day: new Date(dayStart.getTime() + 86_400_000).toISOString(),
      },
    };
  }
}
