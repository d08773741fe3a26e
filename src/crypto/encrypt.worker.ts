/**
 * Worker thread: OpenPGP encryption off the event loop. Keys are parsed once
 * per worker and kept by fingerprint (parsing costs more than encrypting), so
 * a task names its recipients by fingerprint only; the armored keys travel
 * with a task only after this worker answered that it lacks one (its first
 * task, and the first after a rotation). Driven by EncryptionPool: every
 * request is started as it arrives, so several run at once.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { encryptToRecipients, parseRecipientKey, type RecipientKey } from './openpgp.js';

export interface EncryptTask {
  plaintext: Uint8Array;
  fingerprints: string[];
  /** The armored keys, in the order of `fingerprints`; sent after a `null` answer. */
  armored?: string[];
}

/** What EncryptionPool posts to a worker. */
export interface WorkerRequest {
  id: number;
  task: EncryptTask;
}

/** A worker's answer: the ciphertext (`null`: a key is not held here), or the error's message. */
export type WorkerAnswer =
  { id: number; ciphertext: Uint8Array | null } | { id: number; error: string };

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
  return encryptToRecipients(task.plaintext, recipients);
}

/** Bytes that own their whole buffer are transferred, not copied; a view into a shared one is copied. */
function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

const port = parentPort;
if (
  !isMainThread &&
  port &&
  (workerData as { tiplineEncryptionWorker?: boolean })?.tiplineEncryptionWorker
) {
  port.on('message', ({ id, task }: WorkerRequest) => {
    encrypt(task).then(
      (ciphertext) => {
        const answer: WorkerAnswer = { id, ciphertext };
        port.postMessage(answer, ciphertext ? transferable(ciphertext) : []);
      },
      // The message only: key errors name a fingerprint, never content.
      (err: unknown) =>
        port.postMessage({
          id,
          error: (err as Error)?.message ?? String(err),
        } satisfies WorkerAnswer),
    );
  });
}
