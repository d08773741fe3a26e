import { MemoryCounterStore } from '../common/rate-limit/counter-store.js';
import {
  LoginThrottle,
  PER_ACCOUNT,
  PER_ACCOUNT_AND_SOURCE,
  PER_SOURCE,
} from './login-throttle.js';

const secret = Buffer.alloc(32, 7);

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
