import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateKeyPair,
  readPrivateKey,
  type KeyProfile,
  type PrivateKeyInfo,
} from '../../src/crypto/openpgp.js';

export interface TestKey {
  fingerprint: string;
  publicKeyPath: string;
  privateKeyPath: string;
  privateKey: PrivateKeyInfo;
}

/** An unprotected key pair written to a temporary directory. */
export async function makeTestKey(profile: KeyProfile = 'curve25519'): Promise<TestKey> {
  const dir = await mkdtemp(join(tmpdir(), 'tipline-test-key-'));
  const pair = await generateKeyPair({ name: 'Tipline test key', profile });
  const publicKeyPath = join(dir, 'public.asc');
  const privateKeyPath = join(dir, 'private.asc');
  await writeFile(publicKeyPath, pair.publicKey);
  await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600 });
  return {
    fingerprint: pair.fingerprint,
    publicKeyPath,
    privateKeyPath,
    privateKey: await readPrivateKey(pair.privateKey, 'test key'),
  };
}
