import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { RetentionJobs } from '../src/retention/retention.jobs.js';
import { UploadSlots } from '../src/tips/attachments/upload-slots.js';
import { listenOnLoopback, portOf, startTestApp, type TestApp } from './support/app.js';
import { idleInTransaction, q, withClient } from './support/database.js';
import { until } from './support/poll.js';
import { makeTestKey, type TestKey } from './support/keys.js';

const BOUNDARY = 'hostileboundary';
const TIP = { category: 'cyber', submitterUrgency: 'days', narrative: 'a file that never ends' };

/** Headers and body start of a multipart upload that announces `fileBytes` but sends what it sends. */
function uploadHead(path: string, fileBytes: number): { head: Buffer; tail: Buffer } {
  const parts = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="tip"\r\n\r\n${JSON.stringify(TIP)}` +
      `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const head = Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        `Content-Length: ${parts.length + fileBytes + tail.length}\r\n\r\n`,
    ),
    parts,
  ]);
  return { head, tail };
}

interface RawClient {
  socket: Socket;
  closed: Promise<void>;
  isClosed: () => boolean;
  received: () => string;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    let closed = false;
    const done = new Promise<void>((r) =>
      socket.on('close', () => {
        closed = true;
        r();
      }),
    );
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({ socket, closed: done, isClosed: () => closed, received: () => data }),
    );
    socket.once('error', reject);
  });
}

async function stagedRows(): Promise<number> {
  const [row] = await q<{ n: number }>(
    'SELECT count(*)::int AS n FROM attachment WHERE tip_id IS NULL',
  );
  return row!.n;
}

async function postJsonTip(port: number): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/v1/tips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...TIP, narrative: 'a plain tip while uploads stall' }),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

describe('hostile clients cannot hold the service', () => {
  let key: TestKey;
  let t: TestApp;

  beforeAll(async () => {
    key = await makeTestKey();
    t = await startTestApp([key.publicKeyPath], {
      HTTP_IDLE_TIMEOUT_S: '3',
      BODY_TIMEOUT_S: '2',
      UPLOAD_CONCURRENCY: '12',
      DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '5000',
      BACKGROUND_JOBS: 'true',
    });
    await listenOnLoopback(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a JSON tip within a second while twelve uploads stall or break off, and after they leave', async () => {
    const p = portOf(t);
    expect(await stagedRows()).toBe(0);
    const slots = t.app.get(UploadSlots);
    const fileBytes = 50 * 1024 * 1024;
    const sent = randomBytes(300 * 1024);
    const stalled: RawClient[] = [];
    const truncated: RawClient[] = [];
    for (let i = 0; i < 12; i++) {
      const client = await rawClient(p);
      const { head } = uploadHead('/v1/tips', fileBytes);
      client.socket.write(head);
      client.socket.write(sent);
      (i % 2 === 0 ? stalled : truncated).push(client);
    }
    // Every upload got far enough to store staged ciphertext.
    await until('staged uploads', stagedRows, (n) => n === 12, 10_000);
    // Half stop before the closing boundary and disconnect; half stall mid-file, socket open.
    for (const c of truncated) c.socket.end();
    await Promise.all(truncated.map((c) => c.closed));
    await until('staged rows of the truncated uploads removed', stagedRows, (n) => n === 6, 5000);
    expect(slots.active).toBe(6);

    expect(await idleInTransaction()).toBe(0);
    const during = await postJsonTip(p);
    expect(during.status).toBe(201);
    expect(during.ms).toBeLessThan(1000);
    expect(stalled.every((c) => !c.isClosed())).toBe(true);

    // The idle timeout (3 s) closes the stalled sockets; everything they held is released.
    await Promise.race([
      Promise.all(stalled.map((c) => c.closed)),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('stalled sockets still open after 10 s')), 10_000),
      ),
    ]);
    await until('staged rows of the stalled uploads removed', stagedRows, (n) => n === 0, 5000);
    await until(
      'upload slots released',
      () => slots.active,
      (n) => n === 0,
      5000,
    );
    expect(await idleInTransaction()).toBe(0);
    const after = await postJsonTip(p);
    expect(after.status).toBe(201);
    expect(after.ms).toBeLessThan(1000);
  });

  it('lets a slow upload through: the bound is idle time between bytes, not total time', async () => {
    const p = portOf(t);
    const pieces = 16;
    const piece = randomBytes(32 * 1024);
    const { head, tail } = uploadHead('/v1/tips', pieces * piece.length);
    const client = await rawClient(p);
    const started = Date.now();
    client.socket.write(head);
    for (let i = 0; i < pieces; i++) {
      client.socket.write(piece);
      // Gaps shorter than the idle timeout (3 s); one of them close to it.
      await new Promise((r) => setTimeout(r, i === 8 ? 2000 : 250));
    }
    client.socket.write(tail);
    await until(
      'a response',
      () => client.received(),
      (s) => s.includes('\r\n\r\n{'),
      10_000,
    );
    expect(Date.now() - started).toBeGreaterThan(5000); // longer than the idle timeout, several times
    expect(client.received()).toMatch(/^HTTP\/1\.1 201 /);
    client.socket.destroy();
    expect(await stagedRows()).toBe(0);
  });

  it('closes a trickled JSON body at the body deadline even though bytes keep coming', async () => {
    const p = portOf(t);
    const client = await rawClient(p);
    const started = Date.now();
    client.socket.write(
      'POST /v1/tips HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100000\r\n\r\n{"narrative":"',
    );
    const trickle = setInterval(() => {
      if (!client.isClosed()) client.socket.write('a');
    }, 300);
    try {
      await Promise.race([
        client.closed,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('trickled body still open after 8 s')), 8000),
        ),
      ]);
    } finally {
      clearInterval(trickle);
    }
    const held = Date.now() - started;
    expect(held).toBeGreaterThanOrEqual(1900);
    expect(held).toBeLessThan(6000);
  });

  it('ends a transaction left idle on the database side, and bounds statements', async () => {
    const ds = t.app.get(DataSource);
    const [idle] = await ds.query<Array<{ v: string }>>(
      "SELECT current_setting('idle_in_transaction_session_timeout') AS v",
    );
    expect(idle!.v).toBe('1s');
    const [statement] = await ds.query<Array<{ v: string }>>(
      "SELECT current_setting('statement_timeout') AS v",
    );
    expect(statement!.v).toBe('5s');
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 1800));
      await expect(runner.query('SELECT 1')).rejects.toThrow();
    } finally {
      await runner.release().catch(() => undefined);
    }
    await expect(ds.query('SELECT pg_sleep(6)')).rejects.toThrow(/statement timeout/);
  });

  it('removes the staged leftovers of a crashed upload with the cleanup job', async () => {
    const id = '0190f0f0-0000-7000-8000-00000000c0de';
    await withClient(async (c) => {
      await c.query(
        `INSERT INTO attachment (id, tip_id, message_id, n, created_at, ciphertext_bytes, chunk_count, key_fingerprints, staged_at)
         VALUES ($1, NULL, NULL, NULL, now() - interval '3 hours', 4, 1, '{}', now() - interval '2 hours')`,
        [id],
      );
      await c.query(
        `INSERT INTO attachment_chunk (attachment_id, seq, data) VALUES ($1, 0, '\\x00')`,
        [id],
      );
    });
    await t.app.get(RetentionJobs).cleanupStagedSoon();
    await until('the leftover removed', stagedRows, (n) => n === 0, 15_000);
    const chunks = await withClient(
      async (c) =>
        (
          await c.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM attachment_chunk WHERE attachment_id = $1',
            [id],
          )
        ).rows[0]!.n,
    );
    expect(chunks).toBe(0);
  });
});

describe('upload slots per instance', () => {
  let t: TestApp;

  beforeAll(async () => {
    const key = await makeTestKey();
    t = await startTestApp([key.publicKeyPath], { UPLOAD_CONCURRENCY: '2' });
    await listenOnLoopback(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 with Retry-After when full, and tips without files still go through', async () => {
    const p = portOf(t);
    const slots = t.app.get(UploadSlots);
    const held: RawClient[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await rawClient(p);
      c.socket.write(uploadHead('/v1/tips', 10 * 1024 * 1024).head);
      c.socket.write(randomBytes(1024));
      held.push(c);
    }
    await until(
      'two uploads in progress',
      () => slots.active,
      (n) => n === 2,
      5000,
    );

    const third = await rawClient(p);
    third.socket.write(uploadHead('/v1/tips', 1024).head);
    await until(
      'an answer',
      () => third.received(),
      (s) => s.includes('}'),
      5000,
    );
    const [head, body] = third.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/\r\nretry-after: \d+/i);
    expect(head).toMatch(/\r\ncontent-security-policy: /i);
    expect(JSON.parse(body!)).toEqual({
      error: { code: 'unavailable', message: expect.any(String) },
    });
    third.socket.destroy();

    const plain = await postJsonTip(p);
    expect(plain.status).toBe(201);
    expect(plain.ms).toBeLessThan(1000);

    for (const c of held) c.socket.destroy();
    await until(
      'slots released on disconnect',
      () => slots.active,
      (n) => n === 0,
      5000,
    );
    await until('staged rows removed on disconnect', stagedRows, (n) => n === 0, 5000);
  });
});
