import { Injectable } from '@nestjs/common';
import { IntakeUnavailableError } from '../common/app-error.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import { encryptToRecipients } from './openpgp.js';

export interface EncryptedPayload {
  ciphertext: Uint8Array;
  /** The intake keys it was encrypted to. */
  fingerprints: string[];
}

/** Encrypts content to every active intake key; refuses (503) when there is none. */
@Injectable()
export class PayloadEncryptor {
  constructor(private readonly keyRing: IntakeKeyRing) {}

  async encrypt(plaintext: Uint8Array): Promise<EncryptedPayload> {
    const recipients = this.keyRing.active();
    if (recipients.length === 0) throw new IntakeUnavailableError();
    const ciphertext = await encryptToRecipients(plaintext, recipients);
    return { ciphertext, fingerprints: recipients.map((k) => k.fingerprint) };
  }
}
