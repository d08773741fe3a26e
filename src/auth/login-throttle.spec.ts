import { MemoryCounterStore } from '../common/rate-limit/counter-store.js';
import {
  LoginThrottle,
  PER_ACCOUNT,
  PER_ACCOUNT_AND_SOURCE,
  PER_SOURCE,
} from './login-throttle.js';

const secret = Buffer.alloc(32, 7);

/** The counters' clock, moved by hand: windows are fixed, from the first failure. */
let now = Date.parse('2026-03-01T12:00:00.000Z');
const realNow = Date.now;
beforeEach(() => {
  Date.now = () => now;
});
afterEach(() => {
  Date.now = realNow;
});
const wait = (ms: number): void => {
  now += ms;
};

async function fails(t: LoginThrottle, user: string, ip: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await t.recordFailure(user, ip);
}

describe('LoginThrottle', () => {
  it('stops one source on one account after 5 failures, and nobody else', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    await fails(t, 'alice', '203.0.113.9', PER_ACCOUNT_AND_SOURCE.limit);
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: expect.any(Number),
    });
    // Alice from her own address, and the attacker on another account, still get through.
    await expect(t.check('alice', '198.51.100.4')).resolves.toBeUndefined();
    await expect(t.check('bob', '203.0.113.9')).resolves.toBeUndefined();
  });

  it('stops a source that sprays many accounts', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 0; i < PER_SOURCE.limit; i++) await t.recordFailure(`user${i}`, '203.0.113.9');
    await expect(t.check('someone-new', '203.0.113.9')).rejects.toMatchObject({ status: 429 });
    await expect(t.check('someone-new', '198.51.100.4')).resolves.toBeUndefined();
  });

  it('caps distributed guessing on one account', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 0; i < PER_ACCOUNT.limit; i++)
      await t.recordFailure('alice', `10.0.${i >> 8}.${i & 255}`);
    await expect(t.check('alice', '198.51.100.4')).rejects.toMatchObject({ status: 429 });
  });

  it('clears the pair on success but keeps the wider counts', async () => {
    const store = new MemoryCounterStore();
    const t = new LoginThrottle(store, secret);
    await fails(t, 'alice', '198.51.100.4', 4);
    await t.recordSuccess('alice', '198.51.100.4');
    await fails(t, 'alice', '198.51.100.4', 4);
    await expect(t.check('alice', '198.51.100.4')).resolves.toBeUndefined();
    await t.recordFailure('alice', '198.51.100.4');
    await expect(t.check('alice', '198.51.100.4')).rejects.toMatchObject({ status: 429 });
  });

  it('keeps counting the source over all accounts after a success', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    const ip = '203.0.113.9';
    for (let i = 0; i < PER_SOURCE.limit - 1; i++) await t.recordFailure(`user${i}`, ip);
    await t.recordSuccess('mallory', ip);
    await t.recordFailure('one-more', ip);
    await expect(t.check('mallory', ip)).rejects.toMatchObject({ status: 429 });
  });

  it('lets the limit be reached, not passed: the 5th failure stops the 6th try', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    await fails(t, 'alice', '203.0.113.9', PER_ACCOUNT_AND_SOURCE.limit - 1);
    await expect(t.check('alice', '203.0.113.9')).resolves.toBeUndefined();
    await t.recordFailure('alice', '203.0.113.9');
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({ status: 429 });
  });

  it('only counts failures: checking does not use up tries', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 0; i < 50; i++) await t.check('alice', '203.0.113.9');
    await expect(t.check('alice', '203.0.113.9')).resolves.toBeUndefined();
  });

  it('opens again when the window ends, and says when in Retry-After', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    await fails(t, 'alice', '203.0.113.9', PER_ACCOUNT_AND_SOURCE.limit);
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({
      retryAfterSeconds: 60,
    });
    wait(20_500);
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({
      retryAfterSeconds: 40,
    });
    wait(PER_ACCOUNT_AND_SOURCE.windowMs - 20_500);
    await expect(t.check('alice', '203.0.113.9')).resolves.toBeUndefined();
    // A fresh window: one more failure does not stop it again.
    await t.recordFailure('alice', '203.0.113.9');
    await expect(t.check('alice', '203.0.113.9')).resolves.toBeUndefined();
  });

  it('waits for the longest window that is full', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 0; i < PER_SOURCE.limit; i++) await t.recordFailure('alice', '203.0.113.9');
    // Both the pair (1 minute) and the source (10 minutes) are full: the answer is 10 minutes.
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({
      retryAfterSeconds: PER_SOURCE.windowMs / 1000,
    });
    wait(PER_ACCOUNT_AND_SOURCE.windowMs);
    await expect(t.check('alice', '203.0.113.9')).rejects.toMatchObject({
      retryAfterSeconds: (PER_SOURCE.windowMs - PER_ACCOUNT_AND_SOURCE.windowMs) / 1000,
    });

    // The account's hour nearly over, a source's ten minutes just begun: ten minutes.
    for (let i = 0; i < PER_ACCOUNT.limit; i++) await t.recordFailure('bob', `10.2.0.${i}`);
    wait(PER_ACCOUNT.windowMs - 60_000);
    for (let i = 0; i < PER_SOURCE.limit; i++) await t.recordFailure(`u${i}`, '192.0.2.7');
    await expect(t.check('bob', '192.0.2.7')).rejects.toMatchObject({
      retryAfterSeconds: PER_SOURCE.windowMs / 1000,
    });
  });

  it('holds the account-wide lock for its hour, against every source', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 0; i < PER_ACCOUNT.limit; i++)
      await t.recordFailure('alice', `10.1.${i >> 8}.${i & 255}`);
    wait(PER_ACCOUNT.windowMs - 1000);
    await expect(t.check('alice', '192.0.2.1')).rejects.toMatchObject({ retryAfterSeconds: 1 });
    await expect(t.check('bob', '192.0.2.1')).resolves.toBeUndefined();
    wait(1000);
    await expect(t.check('alice', '192.0.2.1')).resolves.toBeUndefined();
  });

  it('counts an IPv6 source by its /64, and IPv4 addresses one by one', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), secret);
    for (let i = 1; i <= PER_ACCOUNT_AND_SOURCE.limit; i++)
      await t.recordFailure('alice', `2001:db8:1:2::${i.toString(16)}`);
    await expect(t.check('alice', '2001:db8:1:2:ffff::1')).rejects.toMatchObject({ status: 429 });
    await expect(t.check('alice', '2001:db8:1:3::1')).resolves.toBeUndefined();

    for (let i = 1; i <= PER_ACCOUNT_AND_SOURCE.limit; i++)
      await t.recordFailure('bob', `198.51.100.${i}`);
    await expect(t.check('bob', '198.51.100.6')).resolves.toBeUndefined();
  });

  it('keys counters by HMAC: no address or username in the store', async () => {
    const store = new MemoryCounterStore();
    const t = new LoginThrottle(store, secret);
    await t.recordFailure('alice', '203.0.113.9');
    const keys = [...(store as unknown as { windows: Map<string, unknown> }).windows.keys()];
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      expect(k).not.toContain('alice');
      expect(k).not.toContain('203.0.113.9');
    }
  });
});
