import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair } from './openpgp.js';

/** User ID e-mail that marks a key made by `ensureDevKey`; production refuses it. */
export const DEV_KEY_EMAIL = 'dev-key@tipline.invalid';

export interface DevKeyFiles {
  publicKeyPath: string;
  privateKeyPath: string;
  created: boolean;
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

/**
 * Development only: makes an unprotected Curve25519 (v4) key pair once under
 * `<dataDir>/dev-keys/` so a fresh clone can take and decrypt tips.
 */
export async function ensureDevKey(dataDir: string): Promise<DevKeyFiles> {
  const dir = join(dataDir, 'dev-keys');
  const publicKeyPath = join(dir, 'intake-public.asc');
  const privateKeyPath = join(dir, 'intake-private.asc');
  if ((await exists(publicKeyPath)) && (await exists(privateKeyPath))) {
    return { publicKeyPath, privateKeyPath, created: false };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pair = await generateKeyPair({
    name: 'Tipline development key',
    comment: 'NOT FOR PRODUCTION',
    email: DEV_KEY_EMAIL,
  });
  await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600 });
  await chmod(privateKeyPath, 0o600);
  await writeFile(publicKeyPath, pair.publicKey, { mode: 0o644 });
  return { publicKeyPath, privateKeyPath, created: true };
}
