import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals small server-side secrets (TOTP seeds) with AES-256-GCM under a key
 * derived from SERVER_SECRET, so a stolen database alone does not yield them.
 * Layout: version (1) | nonce (12) | tag (16) | ciphertext.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(serverSecret: Buffer, purpose: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', serverSecret, Buffer.alloc(0), `tipline:${purpose}`, 32),
    );
  }

  seal(plaintext: Buffer, associatedData: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, associatedData: string): Buffer {
    if (sealed[0] !== 1 || sealed.length < 29) throw new Error('unknown sealed format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
  }
}
