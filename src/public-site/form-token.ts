import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a form is for: a token for one kind of form is refused by the other. */
export type FormPurpose = 'tip' | 'message';

export type FormTokenVerdict =
  | { ok: true; nonce: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'too_fast' };

/**
 * A signed form token, stateless until spent:
 *
 *   base64url(JSON {v, n: nonce, p: purpose, t: rendered at ms}) "." base64url(HMAC-SHA256(secret, "site-form:" + first part))
 *
 * It proves the form was rendered here, at least `minMs` ago and at most
 * `maxAgeMs` ago; spending it (single use) is the caller's.
 */
function mac(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(`site-form:${payload}`).digest('base64url');
}

export function issueFormToken(secret: Buffer, purpose: FormPurpose, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, n: randomBytes(16).toString('base64url'), p: purpose, t: now }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export function verifyFormToken(
  secret: Buffer,
  token: string | undefined,
  purpose: FormPurpose,
  limits: { minMs: number; maxAgeMs: number },
  now = Date.now(),
): FormTokenVerdict {
  if (typeof token !== 'string' || token.length > 300) return { ok: false, reason: 'malformed' };
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'forged' };
  }
  let claims: { v?: unknown; n?: unknown; p?: unknown; t?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.v !== 1 || typeof claims.n !== 'string' || typeof claims.t !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.p !== purpose) return { ok: false, reason: 'forged' };
  const age = now - claims.t;
  if (age > limits.maxAgeMs) return { ok: false, reason: 'expired' };
  if (age < limits.minMs) return { ok: false, reason: 'too_fast' };
  return { ok: true, nonce: claims.n, expiresAt: claims.t + limits.maxAgeMs };
}
