import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from './environment.js';

/** Injection token of SERVER_SECRET (Buffer). */
export const SERVER_SECRET = Symbol('SERVER_SECRET');

/**
 * SERVER_SECRET keys the receipt HMAC; it must be the same on every instance.
 * In development it is generated once under the data directory.
 */
export async function resolveServerSecret(config: AppConfig): Promise<Buffer> {
  if (config.serverSecret !== undefined) return Buffer.from(config.serverSecret, 'utf8');
  if (config.production) throw new Error('SERVER_SECRET is required in production');
  const path = join(config.dataDir, 'server-secret');
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) return Buffer.from(existing, 'utf8');
  } catch {
    // not there yet
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(path, secret, { mode: 0o600 });
  return Buffer.from(secret, 'utf8');
}
