import { Redis } from 'ioredis';
import { addressTracker } from '../../src/common/rate-limit/address-tracker.js';
import { PUBLIC_THROTTLER } from '../../src/common/rate-limit/public-rate-limit.guard.js';

/**
 * Limits, quotas and TOTP codes count in fixed windows that end on a clock the
 * test does not drive. A test that counts against one must run inside one
 * window, or the count restarts half-way and the test fails (or passes) by the
 * clock. When fewer than `neededMs` remain of the current window, this waits
 * for it to end, so the test starts at the beginning of the next; the wait is
 * bounded by `neededMs`, and it fails when the window still has too little left.
 *
 * `msLeft` reads what remains from the clock the limiter itself uses.
 */
export async function awaitRoomInWindow(
  what: string,
  msLeft: () => Promise<number> | number,
  neededMs: number,
): Promise<void> {
  const left = await msLeft();
  if (left >= neededMs) return;
  await new Promise((r) => setTimeout(r, left + 50));
  const after = await msLeft();
  if (after < neededMs)
    throw new Error(`${what}: ${after} ms left after waiting for the window to end`);
}

/** What remains of a window aligned to the Unix epoch (a TOTP step, a UTC day). */
export function msLeftInStep(stepMs: number, now = Date.now()): number {
  return stepMs - (now % stepMs);
}

export const UTC_DAY_MS = 86_400_000;

/**
 * The key the general public limit counts an address under in Redis: the
 * store's prefix (`RedisCounterStore`), the throttler's name (added by
 * `CounterThrottlerStorage`), and the guard's `${name}:${tracker}`.
 */
export function publicLimitKey(serverSecret: string, ip: string): string {
  const tracker = addressTracker(Buffer.from(serverSecret, 'utf8'), ip);
  return `tipline:rl:${PUBLIC_THROTTLER}:${PUBLIC_THROTTLER}:${tracker}`;
}

/**
 * A Redis counter's window as the limiter sees it: the hits so far and the
 * milliseconds until the key expires (Infinity when there is no window yet:
 * the next hit opens a whole one).
 */
export async function redisWindow(
  redisUrl: string,
  key: string,
): Promise<{ count: number; msLeft: number }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const [count, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    if (count === null || ttl === -2) return { count: 0, msLeft: Infinity };
    if (ttl < 0) throw new Error(`${key} has no expiry`);
    return { count: Number(count), msLeft: ttl };
  } finally {
    redis.disconnect();
  }
}
