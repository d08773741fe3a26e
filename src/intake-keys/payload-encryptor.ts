import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IntakeUnavailableError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { EncryptionPool } from '../crypto/encryption-pool.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { encryptToRecipients, type RecipientKey } from '../crypto/openpgp.js';

export interface EncryptedPayload {
  ciphertext: Uint8Array;
  /** The intake keys it was encrypted to. */
  fingerprints: string[];
}

/** The compiled worker; under Jest (TypeScript sources) the build's copy is used. */
function workerFile(): string {
  const sibling = fileURLToPath(new URL('../crypto/encrypt.worker.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  return fileURLToPath(new URL('../../dist/src/crypto/encrypt.worker.js', import.meta.url));
}

/**
 * Encrypts content to every active intake key, on worker threads so that a
 * burst of tips does not stall health checks and triage; refuses (503) when
 * no key is valid.
 */
@Injectable()
export class PayloadEncryptor implements OnApplicationShutdown {
  private readonly pool?: EncryptionPool;

  constructor(
    private readonly keyRing: IntakeKeyRing,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    if (config.encryptionThreads > 0) {
      this.pool = new EncryptionPool(
        workerFile(),
        config.encryptionThreads,
        config.encryptionTasksPerThread,
      );
    }
  }

  async encrypt(plaintext: Uint8Array): Promise<EncryptedPayload> {
    const recipients = this.keyRing.active();
    if (recipients.length === 0) throw new IntakeUnavailableError();
    const fingerprints = recipients.map((k) => k.fingerprint);
    const stop = this.metrics.encryptionDuration.startTimer();
    const ciphertext = this.pool
      ? await this.onWorker(this.pool, plaintext, recipients, fingerprints)
      : await encryptToRecipients(plaintext, recipients);
    stop();
    return { ciphertext, fingerprints };
  }

  /**
   * By fingerprint first (the worker holds the parsed keys); again with the
   * armored keys when that worker has not seen one of them yet.
   */
  private async onWorker(
    pool: EncryptionPool,
    plaintext: Uint8Array,
    recipients: readonly RecipientKey[],
    fingerprints: string[],
  ): Promise<Uint8Array> {
    const ciphertext = await pool.run({ plaintext, fingerprints });
    if (ciphertext !== null) return ciphertext;
    const armored = recipients.map((k) => k.armored);
    const again = await pool.run({ plaintext, fingerprints, armored });
    if (again === null) throw new Error('encryption worker refused keys it was given');
    return again;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }
}
