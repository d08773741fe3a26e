import { readFile } from 'node:fs/promises';
import { readPrivateKey, unlockPrivateKey, type PrivateKeyInfo } from '../crypto/openpgp.js';
import { obtainPassphrase } from './passphrase.js';

/**
 * The armored private key in `file`, unlocked when it is protected: the
 * passphrase from `passphraseFile`, TIPCTL_PASSPHRASE or the terminal.
 */
export async function loadPrivateKey(
  file: string,
  passphraseFile: string | undefined,
): Promise<PrivateKeyInfo> {
  const key = await readPrivateKey(await readFile(file, 'utf8'), file);
  if (!key.encrypted) return key;
  return unlockPrivateKey(
    key,
    await obtainPassphrase({ file: passphraseFile, purpose: `unlock ${key.fingerprint}` }),
  );
}
