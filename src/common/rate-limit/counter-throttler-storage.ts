import type { ThrottlerStorage } from '@nestjs/throttler';
import type { CounterStore } from './counter-store.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * `@nestjs/throttler` storage on our counter store: the same fixed windows in
 * memory, or in Redis with a TTL when REDIS_URL is set, so every instance
 * shares one count. (`@nest-lab/throttler-storage-redis` declares Nest <= 11
 * only, and the store is already here for quotas and proof of work.)
 */
export class CounterThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counters: CounterStore) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const window = await this.counters.hit(`${throttlerName}:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(window.resetMs / 1000));
    return {
      totalHits: window.count,
      timeToExpire: seconds,
      isBlocked: window.count > limit,
      timeToBlockExpire: seconds,
    };
  }
}
