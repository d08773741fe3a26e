import type { RecipientKey } from './openpgp.js';

/**
 * The active intake (recipient) keys, parsed once. Every active key is a
 * recipient of every message, so keys can be rotated without losing access.
 */
export class IntakeKeyRing {
  private keys: readonly RecipientKey[];

  constructor(keys: readonly RecipientKey[]) {
    this.keys = keys;
  }

  /** Keys usable right now: one that expired while the process ran is dropped. */
  active(now = Date.now()): readonly RecipientKey[] {
    return this.keys.filter((k) => k.expiresAt === null || k.expiresAt.getTime() > now);
  }

  isReady(): boolean {
    return this.active().length > 0;
  }

  replace(keys: readonly RecipientKey[]): void {
    this.keys = keys;
  }
}
