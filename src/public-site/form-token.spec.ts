import { issueFormToken, verifyFormToken } from './form-token.js';

const secret = Buffer.from('f'.repeat(32));
const limits = { minMs: 3_000, maxAgeMs: 24 * 3_600_000 };

describe('form token', () => {
  it('is accepted between the minimum time and its validity, for its own form only', () => {
    const t0 = 1_800_000_000_000;
    const token = issueFormToken(secret, 'tip', t0);
    expect(verifyFormToken(secret, token, 'tip', limits, t0 + 3_000)).toMatchObject({ ok: true });
    expect(verifyFormToken(secret, token, 'tip', limits, t0 + 2_999)).toEqual({
      ok: false,
      reason: 'too_fast',
    });
    expect(verifyFormToken(secret, token, 'tip', limits, t0 + limits.maxAgeMs + 1)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyFormToken(secret, token, 'message', limits, t0 + 5_000)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses a token signed with another secret, a changed time, or junk', () => {
    const t0 = 1_800_000_000_000;
    const token = issueFormToken(secret, 'tip', t0);
    expect(verifyFormToken(Buffer.from('g'.repeat(32)), token, 'tip', limits, t0 + 5_000)).toEqual({
      ok: false,
      reason: 'forged',
    });
    const [payload, sig] = token.split('.');
    const older = Buffer.from(
      Buffer.from(payload!, 'base64url')
        .toString()
        .replace(`"t":${t0}`, `"t":${t0 - 60_000}`),
    ).toString('base64url');
    expect(verifyFormToken(secret, `${older}.${sig}`, 'tip', limits, t0 + 1_000)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifyFormToken(secret, undefined, 'tip', limits)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyFormToken(secret, 'a.b.c', 'tip', limits)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
