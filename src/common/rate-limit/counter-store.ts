import { Redis } from 'ioredis';

export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

/**
 * Fixed-window counters with expiry: in memory for one instance, in Redis
 * (REDIS_URL) when several instances must share them. Never in PostgreSQL.
 */
export interface CounterStore {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
  /** True the first time a key is claimed within ttl, false after; across instances when `shared`. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** True when claims are visible to every instance. */
  readonly shared: boolean;
  close(): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  readonly shared = false;
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const { count } = await this.hit(`claim:${key}`, ttlMs);
    return count === 1;
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
      if (this.windows.size > 50_000) this.sweep(now);
    }
    w.count++;
    return Promise.resolve({ count: w.count, resetMs: w.resetAt - now });
  }

  peek(key: string): Promise<WindowCount> {
    const now = Date.now();
    const w = this.windows.get(key);
    return Promise.resolve(
      !w || w.resetAt <= now
        ? { count: 0, resetMs: 0 }
        : { count: w.count, resetMs: w.resetAt - now },
    );
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

export class RedisCounterStore implements CounterStore {
  readonly shared = true;

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}claim:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tipline:rl:',
  ) {}

  static connect(url: string): RedisCounterStore {
    return new RedisCounterStore(new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false }));
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const k = this.prefix + key;
    const result = await this.redis.multi().incr(k).pexpire(k, windowMs, 'NX').pttl(k).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    const ttl = Number(result?.[2]?.[1] ?? windowMs);
    return { count, resetMs: ttl > 0 ? ttl : windowMs };
  }

  async peek(key: string): Promise<WindowCount> {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    return count === null
      ? { count: 0, resetMs: 0 }
      : { count: Number(count), resetMs: Math.max(ttl, 0) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
