/**
 * Failed logins per account: after `max` failures within `windowMs` the
 * account's logins are refused until the window ends. Counted per username
 * (known or not), so one account's attacker does not lock out the others.
 * In memory per instance; a shared store comes with REDIS_URL.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait, or 0 when a login may be tried. */
  retryAfterSeconds(username: string, now = Date.now()): number {
    const entry = this.failures.get(username);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.max ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  recordFailure(username: string, now = Date.now()): void {
    const entry = this.failures.get(username);
    if (!entry || entry.resetAt <= now) {
      this.failures.set(username, { count: 1, resetAt: now + this.windowMs });
    } else {
      entry.count++;
    }
    if (this.failures.size > 10_000) this.sweep(now);
  }

  recordSuccess(username: string): void {
    this.failures.delete(username);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.failures) if (entry.resetAt <= now) this.failures.delete(key);
  }
}
