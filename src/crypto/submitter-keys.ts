import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import {
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { normalizeReceipt } from './receipts.js';

/**
 * Replies only the submitter can read. Per tip: a random X25519 key pair
 * (about 0.1 ms); its private half is kept only wrapped (AES-256-GCM) under a
 * key derived from the receipt with HKDF, so the server holds nothing that
 * opens a reply. Replies are sealed to the public half with HPKE (RFC 9180,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM).
 */
const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

const ENC_LENGTH = 32;
const WRAP_VERSION = 1;

export interface SubmitterKey {
  /** Raw 32-byte X25519 public key. */
  publicKey: Buffer;
  /** version (1) | nonce (12) | tag (16) | wrapped raw private key (32). */
  wrappedPrivateKey: Buffer;
}

function wrappingKey(receipt: string, tipId: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', normalizeReceipt(receipt), tipId, 'tipline:submitter-key:v1', 32),
  );
}

export function createSubmitterKey(receipt: string, tipId: string): SubmitterKey {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const priv = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(receipt, tipId), nonce);
  cipher.setAAD(Buffer.from(tipId));
  const wrapped = Buffer.concat([cipher.update(priv), cipher.final()]);
  priv.fill(0);
  return {
    publicKey: pub,
    wrappedPrivateKey: Buffer.concat([
      Buffer.from([WRAP_VERSION]),
      nonce,
      cipher.getAuthTag(),
      wrapped,
    ]),
  };
}

/** The raw private key, for this request only; null when the receipt does not open it. */
export function unwrapSubmitterKey(wrapped: Buffer, receipt: string, tipId: string): Buffer | null {
  if (wrapped[0] !== WRAP_VERSION) return null;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      wrappingKey(receipt, tipId),
      wrapped.subarray(1, 13),
    );
    decipher.setAAD(Buffer.from(tipId));
    decipher.setAuthTag(wrapped.subarray(13, 29));
    return Buffer.concat([decipher.update(wrapped.subarray(29)), decipher.final()]);
  } catch {
    return null;
  }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** HPKE seal: enc (32) || ciphertext. `info` binds it to its tip. */
export async function sealForSubmitter(
  publicKey: Buffer,
  plaintext: Uint8Array,
  info: string,
): Promise<Buffer> {
  /* eslint-disable @typescript-eslint/no-unsafe-assignment -- WebCrypto's CryptoKey has no type under lib ES2023 */
  const recipientPublicKey = await suite.kem.deserializePublicKey(toArrayBuffer(publicKey));
  const sealed = await suite.seal(
    { recipientPublicKey, info: toArrayBuffer(Buffer.from(info)) },
    toArrayBuffer(plaintext),
  );
  /* eslint-enable @typescript-eslint/no-unsafe-assignment */
  return Buffer.concat([Buffer.from(sealed.enc), Buffer.from(sealed.ct)]);
}

export async function openForSubmitter(
  privateKey: Buffer,
  sealed: Buffer,
  info: string,
): Promise<Buffer> {
  /* eslint-disable @typescript-eslint/no-unsafe-assignment -- WebCrypto's CryptoKey has no type under lib ES2023 */
  const recipientKey = await suite.kem.deserializePrivateKey(toArrayBuffer(privateKey));
  const plaintext = await suite.open(
    {
      recipientKey,
      enc: toArrayBuffer(sealed.subarray(0, ENC_LENGTH)),
      info: toArrayBuffer(Buffer.from(info)),
    },
    toArrayBuffer(sealed.subarray(ENC_LENGTH)),
  );
  /* eslint-enable @typescript-eslint/no-unsafe-assignment */
  return Buffer.from(plaintext);
}
