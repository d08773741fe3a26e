import { readFile } from 'node:fs/promises';
import type { AppConfig } from '../config/environment.js';
import { DEV_KEY_EMAIL, ensureDevKey } from '../crypto/dev-keys.js';
import { KeyError, parseRecipientKey, type RecipientKey } from '../crypto/openpgp.js';

export interface LoadedIntakeKeys {
  keys: RecipientKey[];
  /** Set when a development key was used: where its private half is. */
  devPrivateKeyPath?: string;
  devKeyCreated?: boolean;
}

function isDevKey(key: RecipientKey): boolean {
  return key.userIds.some((id) => id.includes(`<${DEV_KEY_EMAIL}>`));
}

/**
 * Reads, parses and validates the configured intake keys once at start.
 * Throws KeyError naming the file (never its contents) when a key is unusable.
 */
export async function loadIntakeKeys(config: AppConfig): Promise<LoadedIntakeKeys> {
  let paths = config.intakePublicKeyPaths;
  let dev: Awaited<ReturnType<typeof ensureDevKey>> | undefined;
  if (paths.length === 0) {
    if (config.production) throw new KeyError('INTAKE_PUBLIC_KEYS is required in production');
    dev = await ensureDevKey(config.dataDir);
    paths = [dev.publicKeyPath];
  }

  const keys: RecipientKey[] = [];
  for (const path of paths) {
    let armored: string;
    try {
      armored = await readFile(path, 'utf8');
    } catch (err) {
      throw new KeyError(
        `INTAKE_PUBLIC_KEYS: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const key = await parseRecipientKey(armored, `INTAKE_PUBLIC_KEYS: ${path}`);
    if (config.production && isDevKey(key)) {
      throw new KeyError(
        `INTAKE_PUBLIC_KEYS: ${path} is a Tipline development key; production needs a real key (tipctl keys generate)`,
      );
    }
    if (keys.some((k) => k.fingerprint === key.fingerprint)) {
      throw new KeyError(`INTAKE_PUBLIC_KEYS: key ${key.fingerprint} is listed twice`);
    }
    keys.push(key);
  }
  return { keys, devPrivateKeyPath: dev?.privateKeyPath, devKeyCreated: dev?.created };
}
