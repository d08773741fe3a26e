#!/usr/bin/env node
/**
 * The bare intake peer: the yardstick the service is measured against (bench step 9).
 * The same work per tip as POST /v1/tips, written by hand with no framework: Fastify
 * with a JSON schema (validation and serialisation compiled), an 8-word receipt and
 * its HMAC, the X25519 reply key wrapped under a receipt-derived key, the canonical
 * JSON envelope encrypted with OpenPGP on worker threads that hold the parsed key and
 * run several encryptions at once, and one parametrised INSERT on `pg` (autocommit),
 * answered 201 after it returns.
 *
 * Environment: DATABASE_URL, INTAKE_PUBLIC_KEYS (one armored public key), SERVER_SECRET,
 * PORT (0: any), PEER_THREADS (2), PEER_INFLIGHT (per thread, 4), PEER_POOL_SIZE (10).
 * Prints "listening on http://127.0.0.1:PORT" when ready.
 */
import {
  createCipheriv,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  randomInt,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import Fastify from 'fastify';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';

const env = process.env;
const THREADS = Number(env.PEER_THREADS ?? 2);
const INFLIGHT = Number(env.PEER_INFLIGHT ?? 4);
const armored = readFileSync(env.INTAKE_PUBLIC_KEYS, 'utf8');
// A KeyObject, as the service holds it: createHmac with raw bytes costs about 5 times more.
const secret = createSecretKey(Buffer.from(env.SERVER_SECRET, 'utf8'));

// ---- encryption workers: parsed key held in the worker, several jobs in flight each ----
const workers = [];
let fingerprints;
for (let i = 0; i < THREADS; i++) {
  const w = new Worker(fileURLToPath(new URL('./peer-worker.mjs', import.meta.url)), {
    workerData: { armored },
  });
  const slot = { w, busy: 0, jobs: new Map(), queue: [] };
  w.on('message', (m) => {
    if (m.fingerprints) {
      fingerprints = m.fingerprints;
      slot.ready?.();
      return;
    }
    const job = slot.jobs.get(m.id);
    slot.jobs.delete(m.id);
    slot.busy--;
    if (m.error) job.reject(new Error(m.error));
    else
      job.resolve(
        Buffer.from(m.ciphertext.buffer, m.ciphertext.byteOffset, m.ciphertext.byteLength),
      );
    const next = slot.queue.shift();
    if (next) send(slot, next);
  });
  w.on('error', (err) => {
    console.error(`peer worker ${i}: ${err.message}`);
    process.exit(1);
  });
  await new Promise((resolve) => (slot.ready = resolve));
  workers.push(slot);
}
let nextJob = 0;
function send(slot, job) {
  slot.busy++;
  slot.jobs.set(job.id, job);
  slot.w.postMessage({ id: job.id, plaintext: job.plaintext }, [job.plaintext.buffer]);
}
function encrypt(plaintext) {
  return new Promise((resolve, reject) => {
    const job = { id: nextJob++, plaintext, resolve, reject };
    let best = workers[0];
    for (const s of workers) if (s.busy < best.busy) best = s;
    if (best.busy < INFLIGHT) send(best, job);
    else best.queue.push(job);
  });
}

// ---- per-tip work of the service, by hand ----
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function reference() {
  let s = 'TIP-';
  for (let i = 0; i < 8; i++) {
    if (i === 4) s += '-';
    s += ALPHABET[randomInt(32)];
  }
  return s;
}
function receipt() {
  const words = [];
  for (let i = 0; i < 8; i++) words.push(wordlist[randomInt(wordlist.length)]);
  return words.join(' ');
}
const receiptHash = (r) =>
  createHmac('sha256', secret).update('tipline:receipt:v1:').update(r).digest();
function replyKey(r, tipId) {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const priv = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
  const key = Buffer.from(hkdfSync('sha256', r, tipId, 'tipline:submitter-key:v1', 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(tipId));
  const wrapped = Buffer.concat([cipher.update(priv), cipher.final()]);
  priv.fill(0);
  return { pub, wrapped: Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), wrapped]) };
}
const utf8 = new TextEncoder();
const PRIORITY = { 'immediate-danger': 1, days: 2, weeks: 3, unknown: 3 };
/** Canonical JSON (keys sorted) of the envelope, built in key order. */
function envelope(body, ref, receivedAt) {
  const o = { category: body.category, channel: 'public' };
  if (body.contact !== undefined) o.contact = body.contact;
  if (body.location !== undefined) o.location = body.location;
  o.narrative = body.narrative;
  if (body.occurredAt !== undefined) o.occurredAt = body.occurredAt;
  if (body.organisationsInvolved !== undefined)
    o.organisationsInvolved = body.organisationsInvolved;
  if (body.peopleInvolved !== undefined) o.peopleInvolved = body.peopleInvolved;
  o.receivedAt = receivedAt;
  o.reference = ref;
  o.schema = 'tipline.tip/v1';
  o.submitterUrgency = body.submitterUrgency;
  return JSON.stringify(o);
}

// ---- database ----
const pool = new pg.Pool({
  connectionString: env.DATABASE_URL,
  max: Number(env.PEER_POOL_SIZE ?? 10),
  application_name: 'tipline-bench-peer',
});
const INSERT = {
  name: 'peer_tip_insert',
  text: `INSERT INTO tip (id, reference, channel, category, submitter_urgency, received_at, priority,
                          payload, payload_bytes, key_fingerprints, receipt_hash, allow_replies,
                          submitter_public_key, submitter_wrapped_key, attachment_count)
         VALUES ($1, $2, 'public', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0)`,
};

// ---- HTTP ----
const text = (max) => ({ type: 'string', minLength: 1, maxLength: max });
const app = Fastify({
  logger: false,
  bodyLimit: 1024 * 1024,
  return503OnClosing: true,
  // As the service: unknown fields are refused (not silently dropped), no type coercion.
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
});
app.removeContentTypeParser('text/plain');
app.setErrorHandler((err, _req, reply) => {
  const status = err.validation ? 400 : (err.statusCode ?? 500);
  reply.code(status).send({
    error: {
      code: status === 400 ? 'validation_failed' : status < 500 ? 'bad_request' : 'internal',
      message: status === 400 ? 'The request is invalid.' : 'The request failed.',
    },
  });
});
app.post(
  '/v1/tips',
  {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['category', 'submitterUrgency', 'narrative'],
        properties: {
          category: {
            enum: [
              'terrorism',
              'espionage',
              'foreign-interference',
              'cyber',
              'proliferation',
              'other',
            ],
          },
          submitterUrgency: { enum: ['immediate-danger', 'days', 'weeks', 'unknown'] },
          narrative: { ...text(100_000), pattern: '\\S' },
          location: text(2_000),
          occurredAt: text(200),
          peopleInvolved: text(10_000),
          organisationsInvolved: text(10_000),
          contact: text(2_000),
          allowReplies: { type: 'boolean' },
        },
      },
      response: {
        201: {
          type: 'object',
          properties: {
            reference: { type: 'string' },
            receipt: { type: 'string' },
            status: { type: 'string' },
          },
        },
      },
    },
  },
  async (req, reply) => {
    const body = req.body;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const receivedAt = new Date(minute);
    const id = uuidv7({ msecs: minute });
    const r = receipt();
    const allowReplies = body.allowReplies ?? true;
    const key = allowReplies ? replyKey(r, id) : null;
    const hash = receiptHash(r);
    for (let attempt = 1; ; attempt++) {
      const ref = reference();
      // A fresh buffer (not Buffer's shared pool), so it can be transferred to the worker.
      const ciphertext = await encrypt(utf8.encode(envelope(body, ref, receivedAt.toISOString())));
      try {
        await pool.query({
          ...INSERT,
          values: [
            id,
            ref,
            body.category,
            body.submitterUrgency,
            receivedAt,
            PRIORITY[body.submitterUrgency],
            ciphertext,
            ciphertext.byteLength,
            fingerprints,
            hash,
            allowReplies,
            key?.pub ?? null,
            key?.wrapped ?? null,
          ],
        });
        return reply.code(201).send({ reference: ref, receipt: r, status: 'received' });
      } catch (err) {
        if (err.code === '23505' && err.constraint === 'tip_reference_key' && attempt < 5) continue;
        throw err;
      }
    }
  },
);
app.get('/health/live', async () => ({ status: 'ok' }));

const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
console.log(`peer listening on ${address}`);
const stop = async () => {
  await app.close();
  await pool.end();
  await Promise.all(workers.map((s) => s.w.terminate()));
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
