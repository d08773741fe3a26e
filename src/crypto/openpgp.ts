/**
 * The only file that imports `openpgp` (an ESLint rule enforces it). Everything
 * else sees opaque handles and plain data, so the crypto surface stays in one place.
 */
import * as openpgp from 'openpgp';

export type KeyProfile = 'curve25519' | 'rfc9580';

/** A parsed, validated recipient key, kept for the life of the process. */
export interface RecipientKey {
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
  readonly version: number;
  readonly armored: string;
  readonly userIds: readonly string[];
  /** `null` when the key does not expire. */
  readonly expiresAt: Date | null;
  /** Opaque to callers: the parsed key object. */
  readonly handle: unknown;
}

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

/**
 * Parses an armored public key and checks that it can receive encrypted tips now:
 * not a private key, not revoked, not expired, with a valid encryption (sub)key.
 * `label` names the key in errors (a path, never key material).
 */
export async function parseRecipientKey(armored: string, label: string): Promise<RecipientKey> {
  const key = await readPublicKey(armored, label);
  const fingerprint = fingerprintOf(key);
  if (await key.isRevoked()) {
    throw new KeyError(`${label}: key ${fingerprint} is revoked`);
  }
  const expiration = await key.getExpirationTime();
  if (expiration instanceof Date && expiration.getTime() <= Date.now()) {
    throw new KeyError(`${label}: key ${fingerprint} expired on ${expiration.toISOString()}`);
  }
  try {
    await key.getEncryptionKey();
  } catch {
    throw new KeyError(
      `${label}: key ${fingerprint} has no valid encryption subkey (signing-only, expired or revoked)`,
    );
  }
  return describeKey(key, expiration);
}

/** An armored public key; a private key is refused (the server holds public keys only). */
async function readPublicKey(armored: string, label: string): Promise<openpgp.Key> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    throw new KeyError(`${label}: not an armored OpenPGP public key`);
  }
  if (key.isPrivate()) {
    throw new KeyError(
      `${label}: is a PRIVATE key; the server must only hold public keys (export the public part)`,
    );
  }
  return key;
}

function describeKey(key: openpgp.Key, expiration: Date | number | null): RecipientKey {
  return {
    fingerprint: fingerprintOf(key),
    version: key.keyPacket.version,
    armored: key.armor(),
    userIds: key.getUserIDs(),
    expiresAt: expiration instanceof Date ? expiration : null,
    handle: key,
  };
}

/** Encrypts bytes to every recipient; returns a binary OpenPGP message. */
export async function encryptToRecipients(
  plaintext: Uint8Array,
  recipients: readonly RecipientKey[],
): Promise<Uint8Array> {
  return (await encryptBinary(plaintext, recipients)) as Uint8Array;
}

/** A binary OpenPGP message to every recipient, from bytes or a stream of them. */
async function encryptBinary(
  plaintext: Uint8Array | ReadableStream<Uint8Array>,
  recipients: readonly RecipientKey[],
): Promise<unknown> {
  if (recipients.length === 0) throw new KeyError('no recipient keys');
  const message = await openpgp.createMessage({ binary: plaintext });
  return openpgp.encrypt({
    message,
    encryptionKeys: recipients.map((r) => r.handle as openpgp.Key),
    format: 'binary',
  });
}

export interface GeneratedKeyPair {
  publicKey: string;
  privateKey: string;
  revocationCertificate: string;
  fingerprint: string;
}

/**
 * Curve25519 key pair. `curve25519` makes a v4 key (GnuPG 2.2, Sequoia and
 * Thunderbird read it); `rfc9580` a v6 key whose messages use AEAD (SEIPDv2).
 */
export async function generateKeyPair(options: {
  name: string;
  email?: string;
  comment?: string;
  passphrase?: string;
  profile?: KeyProfile;
  /** Seconds from now; 0 or unset: the key does not expire. */
  expiresInSeconds?: number;
}): Promise<GeneratedKeyPair> {
  const v6 = options.profile === 'rfc9580';
  const { publicKey, privateKey, revocationCertificate } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: options.name, email: options.email, comment: options.comment }],
    passphrase: options.passphrase,
    keyExpirationTime: options.expiresInSeconds ?? 0,
    format: 'armored',
    config: { v6Keys: v6, aeadProtect: v6 },
  });
  const parsed = await openpgp.readKey({ armoredKey: publicKey });
  return { publicKey, privateKey, revocationCertificate, fingerprint: fingerprintOf(parsed) };
}

export interface PrivateKeyInfo {
  fingerprint: string;
  encrypted: boolean;
  handle: unknown;
}

export async function readPrivateKey(armored: string, label: string): Promise<PrivateKeyInfo> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch {
    throw new KeyError(`${label}: not an armored OpenPGP private key`);
  }
  return { fingerprint: fingerprintOf(key), encrypted: !key.isDecrypted(), handle: key };
}

export async function unlockPrivateKey(
  key: PrivateKeyInfo,
  passphrase: string,
): Promise<PrivateKeyInfo> {
  try {
    const unlocked = await openpgp.decryptKey({
      privateKey: key.handle as openpgp.PrivateKey,
      passphrase,
    });
    return { ...key, encrypted: false, handle: unlocked };
  } catch {
    throw new KeyError('wrong passphrase for the private key');
  }
}

const ARMOR_HEADER = '-----BEGIN PGP MESSAGE-----';

/** Decrypts a binary or armored OpenPGP message with an unlocked private key. */
export async function decryptMessage(
  ciphertext: Uint8Array,
  key: PrivateKeyInfo,
): Promise<Uint8Array> {
  const head = Buffer.from(ciphertext.subarray(0, 64)).toString('latin1').trimStart();
  const message: openpgp.Message<Uint8Array> = head.startsWith(ARMOR_HEADER)
    ? await openpgp.readMessage({
        armoredMessage: Buffer.from(ciphertext).toString('utf8'),
      })
    : await openpgp.readMessage({ binaryMessage: ciphertext });
  try {
    const result: { data: unknown } = await openpgp.decrypt({
      message,
      decryptionKeys: key.handle as openpgp.PrivateKey,
      format: 'binary',
    });
    return result.data as Uint8Array;
  } catch (err) {
    throw new KeyError(
      `cannot decrypt with key ${key.fingerprint}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

/** Fingerprints (upper-case hex key IDs) of the keys a message was encrypted to. */
export async function messageRecipientKeyIds(ciphertext: Uint8Array): Promise<string[]> {
  const message = await openpgp.readMessage({ binaryMessage: ciphertext });
  return message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());
}

export function armorMessage(ciphertext: Uint8Array): string {
  return openpgp.armor(openpgp.enums.armor.message, ciphertext);
}

/** A partner's signing public key: must be able to sign (verify) now. */
export async function parseSigningKey(armored: string, label: string): Promise<RecipientKey> {
  const key = await readPublicKey(armored, label);
  try {
    await key.getSigningKey();
  } catch {
    throw new KeyError(`${label}: key ${fingerprintOf(key)} cannot sign (no valid signing key)`);
  }
  return describeKey(key, await key.getExpirationTime());
}

/**
 * Verifies a detached armored signature over `data` with any of `keys`.
 * Returns the primary fingerprint of the key that made it; throws KeyError otherwise.
 */
export async function verifyDetached(
  data: Uint8Array,
  armoredSignature: string,
  keys: readonly RecipientKey[],
): Promise<string> {
  if (keys.length === 0) throw new KeyError('no signing key registered');
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature });
  } catch {
    throw new KeyError('not an armored OpenPGP signature');
  }
  const message = await openpgp.createMessage({ binary: data });
  const result = await openpgp.verify({
    message,
    signature,
    verificationKeys: keys.map((k) => k.handle as openpgp.Key),
    expectSigned: false,
  });
  for (const sig of result.signatures) {
    try {
      await sig.verified;
    } catch {
      continue;
    }
    const signer = keys.find((k) => (k.handle as openpgp.Key).getKeys(sig.keyID).length > 0);
    if (signer) return signer.fingerprint;
  }
  throw new KeyError('the signature does not verify with any registered key');
}

/** Detached armored signature (for partners' clients and tests). */
export async function signDetached(data: Uint8Array, privateKeyArmored: string): Promise<string> {
  const key = await openpgp.readPrivateKey({ armoredKey: privateKeyArmored });
  const message = await openpgp.createMessage({ binary: data });
  const signature: unknown = await openpgp.sign({
    message,
    signingKeys: key,
    detached: true,
    format: 'armored',
  });
  return signature as string;
}

/** Streaming encryption: ciphertext comes out as the plaintext goes in (flat memory). */
export async function encryptStream(
  plaintext: ReadableStream<Uint8Array>,
  recipients: readonly RecipientKey[],
): Promise<ReadableStream<Uint8Array>> {
  return (await encryptBinary(plaintext, recipients)) as ReadableStream<Uint8Array>;
}

/** Streaming decryption (tipctl writes large attachments to disk with it). */
export async function decryptStream(
  ciphertext: ReadableStream<Uint8Array>,
  key: PrivateKeyInfo,
): Promise<ReadableStream<Uint8Array>> {
  const message = await openpgp.readMessage({ binaryMessage: ciphertext });
  try {
    const result: { data: unknown } = await openpgp.decrypt({
      message,
      decryptionKeys: key.handle as openpgp.PrivateKey,
      format: 'binary',
    });
    return result.data as ReadableStream<Uint8Array>;
  } catch (err) {
    throw new KeyError(
      `cannot decrypt with key ${key.fingerprint}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}
