import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { IntakeUnavailableError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import type { EncryptTask } from '../crypto/encrypt.worker.js';
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
  private readonly pool?: Piscina<EncryptTask, Uint8Array>;
  private keysFor = '';
  private keys: EncryptTask['keys'] = [];

  constructor(
    private readonly keyRing: IntakeKeyRing,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    if (config.encryptionThreads > 0) {
      this.pool = new Piscina({
        filename: workerFile(),
        minThreads: config.encryptionThreads,
        maxThreads: config.encryptionThreads,
        idleTimeout: 60_000,
        concurrentTasksPerWorker: config.encryptionTasksPerThread,
      });
    }
  }

  async encrypt(plaintext: Uint8Array): Promise<EncryptedPayload> {
    const recipients = this.keyRing.active();
    if (recipients.length === 0) throw new IntakeUnavailableError();
    const fingerprints = recipients.map((k) => k.fingerprint);
    const stop = this.metrics.encryptionDuration.startTimer();
    const ciphertext = this.pool
      ? await this.pool.run({ plaintext, keys: this.taskKeys(recipients) })
      : await encryptToRecipients(plaintext, recipients);
    stop();
    return { ciphertext, fingerprints };
  }

  /** The keys as a task carries them, rebuilt only when the active set changes. */
  private taskKeys(recipients: readonly RecipientKey[]): EncryptTask['keys'] {
    if (this.keysFor !== recipients.map((k) => k.fingerprint).join(',')) {
      this.keysFor = recipients.map((k) => k.fingerprint).join(',');
      this.keys = recipients.map((k) => ({ fingerprint: k.fingerprint, armored: k.armored }));
    }
    return this.keys;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }
}
