import type { RecipientKey } from '../crypto/openpgp.js';

/**
 * The active intake (recipient) keys, parsed once: those configured by
 * INTAKE_PUBLIC_KEYS plus those admins added. Every active key is a recipient
 * of every message, so keys can be rotated without losing access.
 */
export class IntakeKeyRing {
  private configured: readonly RecipientKey[];
  private added: readonly RecipientKey[] = [];

  constructor(configured: readonly RecipientKey[]) {
    this.configured = configured;
  }

  /** Keys usable right now: one that expired while the process ran is dropped. */
  active(now = Date.now()): readonly RecipientKey[] {
    return [...this.configured, ...this.added].filter(
      (k) => k.expiresAt === null || k.expiresAt.getTime() > now,
    );
  }

  isConfigured(fingerprint: string): boolean {
    return this.configured.some((k) => k.fingerprint === fingerprint);
  }

  /** Keys added through the admin API (reloaded from the database). */
  setAdded(keys: readonly RecipientKey[]): void {
    this.added = keys.filter((k) => !this.isConfigured(k.fingerprint));
  }

  /** Replaces every key (tests simulate "no valid key" with it). */
  replace(keys: readonly RecipientKey[]): void {
    this.configured = keys;
    this.added = [];
  }
}

/**
 * Injection token of the ring built at start from INTAKE_PUBLIC_KEYS; the
 * application root provides it (src/app.module.ts) and IntakeKeysModule
 * exports it as IntakeKeyRing.
 */
export const STARTUP_KEY_RING = Symbol('STARTUP_KEY_RING');
