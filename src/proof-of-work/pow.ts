import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacKey } from '../crypto/hmac-key.js';

/**
 * Hashcash-style proof of work, stateless until spent:
 *
 *   challenge = base64url(JSON {v, n: nonce, d: difficulty, e: expiry ms}) "." base64url(HMAC-SHA256(secret, "pow:" + first part))
 *   solution  = any decimal counter such that SHA-256(challenge ":" counter) starts with d zero bits
 *   header    = X-Tipline-Pow: <challenge>:<counter>
 */
export const POW_HEADER = 'x-tipline-pow';
export const POW_ALGORITHM = 'sha256-leading-zero-bits';
export const POW_TTL_MS = 10 * 60 * 1000;

export interface Challenge {
  token: string;
  nonce: string;
  difficulty: number;
  expiresAt: number;
}

function mac(secret: Buffer, payload: string): string {
  return createHmac('sha256', hmacKey(secret)).update(`pow:${payload}`).digest('base64url');
}

export function issueChallenge(secret: Buffer, difficulty: number, now = Date.now()): Challenge {
  const nonce = randomBytes(16).toString('base64url');
  const expiresAt = now + POW_TTL_MS;
  const payload = Buffer.from(
    JSON.stringify({ v: 1, n: nonce, d: difficulty, e: expiresAt }),
  ).toString('base64url');
  return { token: `${payload}.${mac(secret, payload)}`, nonce, difficulty, expiresAt };
}

export function leadingZeroBits(hash: Buffer): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function solutionHash(token: string, counter: string): Buffer {
  return createHash('sha256').update(`${token}:${counter}`).digest();
}

export type Verdict =
  | { ok: true; nonce: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'too_easy' | 'wrong' };

/** Checks signature, expiry, difficulty and the work; spending (replay) is the caller's. */
export function verifySolution(
  secret: Buffer,
  header: string,
  minDifficulty: number,
  now = Date.now(),
): Verdict {
  const cut = header.lastIndexOf(':');
  if (cut <= 0 || header.length > 512) return { ok: false, reason: 'malformed' };
  const token = header.slice(0, cut);
  const counter = header.slice(cut + 1);
  if (!/^\d{1,20}$/.test(counter)) return { ok: false, reason: 'malformed' };
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'forged' };
  let claims: { v?: number; n?: string; d?: number; e?: number };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    claims.v !== 1 ||
    typeof claims.n !== 'string' ||
    typeof claims.d !== 'number' ||
    typeof claims.e !== 'number'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.e <= now) return { ok: false, reason: 'expired' };
  if (claims.d < minDifficulty) return { ok: false, reason: 'too_easy' };
  if (leadingZeroBits(solutionHash(token, counter)) < claims.d)
    return { ok: false, reason: 'wrong' };
  return { ok: true, nonce: claims.n, expiresAt: claims.e };
}

/** The client's side (tipctl and tests): try counters until the hash has enough zero bits. */
/** `onProgress(tried)` is called every 65,536 attempts (progress displays). */
export function solve(
  token: string,
  difficulty: number,
  onProgress?: (tried: number) => void,
): string {
  if (
    typeof token !== 'string' ||
    !Number.isInteger(difficulty) ||
    difficulty < 0 ||
    difficulty > 32
  ) {
    throw new RangeError('solve needs a challenge and a difficulty of 0 to 32 bits');
  }
  for (let counter = 0; ; counter++) {
    if (leadingZeroBits(solutionHash(token, String(counter))) >= difficulty) return String(counter);
    if (onProgress !== undefined && (counter & 0xffff) === 0xffff) onProgress(counter + 1);
  }
}
