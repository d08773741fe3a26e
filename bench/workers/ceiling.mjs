/** Bench worker: the encryption ceiling (see steps/ceiling.mjs). */
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const DIST = join(import.meta.dirname, '..', '..', 'dist', 'src');
const distUrl = (rel) => pathToFileURL(join(DIST, rel)).href;

/**
 * Encrypts in a loop with `inflight` encryptions outstanding (1: strictly one after
 * the other, like a piscina worker with one task at a time). openpgp v6 on Node runs
 * X25519/HKDF/AES through WebCrypto, whose jobs run on the libuv pool, so one
 * outstanding encryption per thread does not saturate the cores.
 */
async function ceilingWorker({ armored, plaintext, warmupMs, durationMs, inflight }) {
  const { parseRecipientKey, encryptToRecipients } = await import(distUrl('crypto/openpgp.js'));
  const key = await parseRecipientKey(armored, 'bench intake key'); // parsed once, as the server does
  const data = new Uint8Array(plaintext);
  let ops = 0;
  let bytes = 0;
  const loop = async (end) => {
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (performance.now() < end) {
          bytes = (await encryptToRecipients(data, [key])).byteLength;
          ops++;
        }
      }),
    );
  };
  await loop(performance.now() + warmupMs);
  parentPort.postMessage({ ready: true });
  await once(parentPort, 'message'); // barrier: every thread starts together
  ops = 0;
  const t0 = performance.now();
  await loop(t0 + durationMs);
  parentPort.postMessage({ ops, elapsedMs: performance.now() - t0, ciphertextBytes: bytes });
}

await ceilingWorker(workerData);
