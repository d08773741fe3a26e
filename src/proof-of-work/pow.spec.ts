import { issueChallenge, leadingZeroBits, solve, verifySolution } from './pow.js';

const secret = Buffer.from('s'.repeat(32));

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Buffer.from([0, 0, 0x10, 0xff]))).toBe(19);
    expect(leadingZeroBits(Buffer.from([0x80]))).toBe(0);
    expect(leadingZeroBits(Buffer.from([0, 1]))).toBe(15);
  });

  it('accepts a solved challenge and refuses every kind of bad one', () => {
    const c = issueChallenge(secret, 10);
    const counter = solve(c.token, 10);
    expect(verifySolution(secret, `${c.token}:${counter}`, 10)).toEqual({
      ok: true,
      nonce: c.nonce,
      expiresAt: c.expiresAt,
    });

    // Some counter that does not solve it.
    let wrong = Number(counter) + 1;
    while (verifySolution(secret, `${c.token}:${wrong}`, 10).ok) wrong++;
    expect(verifySolution(secret, `${c.token}:${wrong}`, 10)).toEqual({
      ok: false,
      reason: 'wrong',
    });
    expect(verifySolution(secret, `${c.token}:${counter}`, 12)).toEqual({
      ok: false,
      reason: 'too_easy',
    });
    expect(verifySolution(Buffer.from('x'.repeat(32)), `${c.token}:${counter}`, 10)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifySolution(secret, `${c.token}:${counter}`, 10, c.expiresAt + 1)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifySolution(secret, 'nonsense', 10)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySolution(secret, `${c.token}:abc`, 10)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    // A payload changed to claim an easier difficulty no longer matches its signature.
    const [payload, sig] = c.token.split('.');
    const easier = Buffer.from(
      Buffer.from(payload!, 'base64url').toString().replace('"d":10', '"d":1'),
    ).toString('base64url');
    expect(verifySolution(secret, `${easier}.${sig}:0`, 1)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });
});
