import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_SCOPES = ['tips:submit', 'tips:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const PATTERN = /^tpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  id: string;
  /** The whole key, shown once: `tpk_<id>_<secret>`. */
  token: string;
  secretHash: Buffer;
}

/** 256 random bits of secret: SHA-256 is enough to store it (no password stretching needed). */
export function hashApiSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function generateApiKey(): NewApiKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `tpk_${id}_${secret}`, secretHash: hashApiSecret(secret) };
}

export function parseApiKey(token: string): { id: string; secret: string } | null {
  const m = PATTERN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, stored: Buffer): boolean {
  const hash = hashApiSecret(secret);
  return hash.length === stored.length && timingSafeEqual(hash, stored);
}
