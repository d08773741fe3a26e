import encrypt from './encrypt.worker.js';
import { decryptMessage, generateKeyPair, readPrivateKey } from './openpgp.js';

describe('encryption worker task', () => {
  it('answers null for a key it does not hold, then keeps the key it was sent', async () => {
    const pair = await generateKeyPair({ name: 'intake' });
    const plaintext = new TextEncoder().encode('{"narrative":"worker"}');
    const fingerprints = [pair.fingerprint];

    expect(await encrypt({ plaintext, fingerprints })).toBeNull();
    const first = await encrypt({ plaintext, fingerprints, armored: [pair.publicKey] });
    // Held now: fingerprints alone are enough.
    const second = await encrypt({ plaintext, fingerprints });

    const key = await readPrivateKey(pair.privateKey, 'test');
    for (const ciphertext of [first, second]) {
      expect(ciphertext).toBeInstanceOf(Uint8Array);
      const clear = await decryptMessage(ciphertext!, key);
      expect(Buffer.from(clear).toString('utf8')).toBe('{"narrative":"worker"}');
    }
  });
});
