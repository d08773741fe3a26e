/**
 * Encryption thread of the bare peer (peer.mjs): parses the intake key once and
 * keeps it; runs every job as it arrives, so several are in flight (openpgp's
 * WebCrypto work runs on the libuv pool, and one job at a time leaves it idle).
 */
// eslint-disable-next-line no-restricted-imports -- the bench's yardstick, not product code
import * as openpgp from 'openpgp';
import { parentPort, workerData } from 'node:worker_threads';

const key = await openpgp.readKey({ armoredKey: workerData.armored });
parentPort.postMessage({ fingerprints: [key.getFingerprint().toUpperCase()] });

parentPort.on('message', ({ id, plaintext }) => {
  openpgp
    .createMessage({ binary: plaintext })
    .then((message) => openpgp.encrypt({ message, encryptionKeys: key, format: 'binary' }))
    .then(
      (ciphertext) =>
        // Transfer the bytes when they own their buffer; a view into a shared one is copied.
        ciphertext.byteOffset === 0 && ciphertext.byteLength === ciphertext.buffer.byteLength
          ? parentPort.postMessage({ id, ciphertext }, [ciphertext.buffer])
          : parentPort.postMessage({ id, ciphertext }),
      (err) => parentPort.postMessage({ id, error: String(err?.message ?? err) }),
    );
});
