import {
  expiredPublicKey,
  privateKeyArmored,
  revokedPublicKey,
  signingOnlyPublicKey,
} from '../../test/support/key-fixtures.js';
import {
  decryptMessage,
  encryptToRecipients,
  generateKeyPair,
  KeyError,
  messageRecipientKeyIds,
  parseRecipientKey,
  readPrivateKey,
  unlockPrivateKey,
} from './openpgp.js';

describe('parseRecipientKey', () => {
  it('accepts a v4 and a v6 Curve25519 public key', async () => {
    for (const [profile, version] of [
      ['curve25519', 4],
      ['rfc9580', 6],
    ] as const) {
      const pair = await generateKeyPair({ name: 'k', profile });
      const key = await parseRecipientKey(pair.publicKey, 'test');
      expect(key).toMatchObject({ fingerprint: pair.fingerprint, version, expiresAt: null });
      expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$|^[0-9A-F]{64}$/);
    }
  });

  it.each([
    ['a revoked key', revokedPublicKey, /is revoked/],
    ['an expired key', expiredPublicKey, /expired on/],
    ['a signing-only key', signingOnlyPublicKey, /no valid encryption subkey/],
    ['a private key', privateKeyArmored, /PRIVATE key/],
    [
      'garbage',
      () => Promise.resolve('-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope'),
      /not an armored/,
    ],
  ])('refuses %s with a message naming the source', async (_name, make, message) => {
    const armored = await make();
    const attempt = parseRecipientKey(armored, '/keys/k.asc');
    await expect(attempt).rejects.toThrow(KeyError);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toThrow(/^\/keys\/k\.asc: /);
  });
});

describe('encryptToRecipients', () => {
  it('encrypts to every recipient; each decrypts the exact bytes', async () => {
    const v4 = await generateKeyPair({ name: 'a' });
    const v6 = await generateKeyPair({ name: 'b', profile: 'rfc9580' });
    const recipients = [
      await parseRecipientKey(v4.publicKey, 'a'),
      await parseRecipientKey(v6.publicKey, 'b'),
    ];
    const plaintext = Buffer.from('bytes \u0000 🦆 <>&', 'utf8');
    const ciphertext = await encryptToRecipients(plaintext, recipients);
    expect(Buffer.from(ciphertext).includes(plaintext)).toBe(false);
    expect(await messageRecipientKeyIds(ciphertext)).toHaveLength(2);
    for (const pair of [v4, v6]) {
      const key = await readPrivateKey(pair.privateKey, 'k');
      expect(Buffer.from(await decryptMessage(ciphertext, key)).equals(plaintext)).toBe(true);
    }
  });

  it('refuses to encrypt to nobody', async () => {
    await expect(encryptToRecipients(Buffer.from('x'), [])).rejects.toThrow(KeyError);
  });
});

describe('private keys', () => {
  it('unlocks with the right passphrase only', async () => {
    const pair = await generateKeyPair({ name: 'p', passphrase: 'correct horse battery staple' });
    const locked = await readPrivateKey(pair.privateKey, 'p');
    expect(locked.encrypted).toBe(true);
    await expect(unlockPrivateKey(locked, 'wrong')).rejects.toThrow(/wrong passphrase/);
    const unlocked = await unlockPrivateKey(locked, 'correct horse battery staple');
    expect(unlocked.encrypted).toBe(false);
  });
});
