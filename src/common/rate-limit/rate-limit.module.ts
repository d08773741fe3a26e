import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './counter-store.js';

export const COUNTER_STORE = Symbol('COUNTER_STORE');

/** Shared counters for rate limits and quotas: Redis when REDIS_URL is set, else this process. */
@Global()
@Module({})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(COUNTER_STORE) private readonly store: CounterStore) {}

  static forRoot(redisUrl: string | undefined): DynamicModule {
    return {
      module: RateLimitModule,
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
