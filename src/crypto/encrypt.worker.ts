/**
 * Worker thread: OpenPGP encryption off the event loop. Keys are parsed once
 * per worker and cached by fingerprint (parsing costs more than encrypting).
 */
import { Piscina } from 'piscina';
import { encryptToRecipients, parseRecipientKey, type RecipientKey } from './openpgp.js';

export interface EncryptTask {
  plaintext: Uint8Array;
  keys: Array<{ fingerprint: string; armored: string }>;
}

const cache = new Map<string, RecipientKey>();

export default async function encrypt(task: EncryptTask): Promise<Uint8Array> {
  const recipients: RecipientKey[] = [];
  for (const k of task.keys) {
    let key = cache.get(k.fingerprint);
    if (!key) {
      key = await parseRecipientKey(k.armored, k.fingerprint);
      cache.set(k.fingerprint, key);
    }
    recipients.push(key);
  }
  const ciphertext = await encryptToRecipients(task.plaintext, recipients);
  // Transferred, not copied, back to the main thread.
  return Piscina.move(ciphertext) as Uint8Array;
}
