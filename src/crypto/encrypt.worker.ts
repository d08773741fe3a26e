/**
 * Worker thread: OpenPGP encryption off the event loop. Keys are parsed once
 * per worker and kept by fingerprint (parsing costs more than encrypting), so
 * a task names its recipients by fingerprint only; the armored keys travel
 * with a task only after this worker answered that it lacks one (its first
 * task, and the first after a rotation).
 */
import { Piscina } from 'piscina';
import { encryptToRecipients, parseRecipientKey, type RecipientKey } from './openpgp.js';

export interface EncryptTask {
  plaintext: Uint8Array;
  fingerprints: string[];
  /** The armored keys, in the order of `fingerprints`; sent after a `null` answer. */
  armored?: string[];
}

const cache = new Map<string, RecipientKey>();

/** The ciphertext, or `null` when a key is not held here and the task did not carry it. */
export default async function encrypt(task: EncryptTask): Promise<Uint8Array | null> {
  const recipients: RecipientKey[] = [];
  for (const [i, fingerprint] of task.fingerprints.entries()) {
    let key = cache.get(fingerprint);
    if (!key) {
      const armored = task.armored?.[i];
      if (armored === undefined) return null;
      key = await parseRecipientKey(armored, fingerprint);
      cache.set(fingerprint, key);
    }
    recipients.push(key);
  }
  const ciphertext = await encryptToRecipients(task.plaintext, recipients);
  // Transferred, not copied, back to the main thread.
  return Piscina.move(ciphertext) as Uint8Array;
}
