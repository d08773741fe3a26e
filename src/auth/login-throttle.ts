import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { addressTracker } from '../common/rate-limit/address-tracker.js';
import { AppError } from '../common/app-error.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { SERVER_SECRET } from '../config/server-secret.js';

/** Failed logins one source may make against one account per minute. */
export const PER_ACCOUNT_AND_SOURCE = { limit: 5, windowMs: 60_000 };
/** Failed logins one source may make over all accounts (spraying). */
export const PER_SOURCE = { limit: 30, windowMs: 10 * 60_000 };
/** Failed logins an account takes from all sources together: the ceiling on distributed guessing. */
export const PER_ACCOUNT = { limit: 100, windowMs: 60 * 60_000 };

/**
 * Failed logins, counted per (account, source), per source and per account.
 * A source that fails 5 times on an account waits a minute, for that account
 * only: an attacker elsewhere cannot lock an analyst out, and guessing stays
 * at 5 a minute per source. Only a distributed attack that reaches the
 * account-wide ceiling (100 an hour) locks the account for everyone.
 * Counter keys are HMACs of the address and username (SERVER_SECRET), in
 * memory or in Redis with a TTL; never in PostgreSQL or a log.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  /** Throws 429 with Retry-After when this source may not try this account now. */
  async check(username: string, ip: string): Promise<void> {
    const keys = this.keys(username, ip);
    const windows = await Promise.all([
      this.counters.peek(keys.pair),
      this.counters.peek(keys.source),
      this.counters.peek(keys.account),
    ]);
    const limits = [PER_ACCOUNT_AND_SOURCE, PER_SOURCE, PER_ACCOUNT];
    let wait = 0;
    windows.forEach((w, i) => {
      if (w.count >= limits[i]!.limit) wait = Math.max(wait, Math.ceil(w.resetMs / 1000));
    });
    if (wait > 0) {
      throw new AppError(
        'rate_limited',
        429,
        'Too many failed logins; try again later.',
        undefined,
        Math.max(1, wait),
      );
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const keys = this.keys(username, ip);
    await Promise.all([
      this.counters.hit(keys.pair, PER_ACCOUNT_AND_SOURCE.windowMs),
      this.counters.hit(keys.source, PER_SOURCE.windowMs),
      this.counters.hit(keys.account, PER_ACCOUNT.windowMs),
    ]);
  }

  /** A success clears this source's count on this account; the wider counts stay. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.counters.reset(this.keys(username, ip).pair);
  }

  private keys(username: string, ip: string): { pair: string; source: string; account: string } {
    const mac = (v: string) => createHmac('sha256', this.secret).update(v).digest('base64url');
    const source = addressTracker(this.secret, ip);
    const account = mac(`login-user:${username}`);
    return {
      pair: `login:pair:${account}:${source}`,
      source: `login:src:${source}`,
      account: `login:acct:${account}`,
    };
  }
}
