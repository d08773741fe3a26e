import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './counter-store.js';
import { ThrottlerModule } from '@nestjs/throttler';
import { CounterThrottlerStorage } from './counter-throttler-storage.js';
import {
  HEALTH_THROTTLER,
  PUBLIC_THROTTLER,
  PUBLIC_WINDOW_MS,
  RECEIPT_THROTTLER,
} from './public-rate-limit.guard.js';

export const COUNTER_STORE = Symbol('COUNTER_STORE');

/**
 * Shared counters for rate limits and quotas (Redis when REDIS_URL is set,
 * else this process), and `@nestjs/throttler` counting on them. Global as the
 * database is: one connection per process, configured at the root, used by the
 * guards on every route (access, public rate limit) and by a few features.
 */
@Global()
@Module({})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(COUNTER_STORE) private readonly store: CounterStore) {}

  static forRoot(
    redisUrl: string | undefined,
    publicRateLimit: number,
    healthRateLimit: number,
  ): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [COUNTER_STORE],
          useFactory: (counters: CounterStore) => ({
            throttlers: [
              { name: PUBLIC_THROTTLER, ttl: PUBLIC_WINDOW_MS, limit: publicRateLimit },
              // Its limit comes from each route's @LimitPerAddress; unused elsewhere.
              { name: RECEIPT_THROTTLER, ttl: PUBLIC_WINDOW_MS, limit: publicRateLimit },
              // Only on routes marked @OwnLimitPerAddress (health probes), instead of `public`.
              { name: HEALTH_THROTTLER, ttl: PUBLIC_WINDOW_MS, limit: healthRateLimit },
            ],
            storage: new CounterThrottlerStorage(counters),
            // Retry-After comes with our error body; no X-RateLimit-* on public routes.
            setHeaders: false,
          }),
        }),
      ],
      providers: [
        {
          provide: COUNTER_STORE,
          useFactory: (): CounterStore =>
            redisUrl ? RedisCounterStore.connect(redisUrl) : new MemoryCounterStore(),
        },
      ],
      exports: [COUNTER_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
