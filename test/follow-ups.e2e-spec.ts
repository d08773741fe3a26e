import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { listenOnLoopback, portOf, startTestApp, type TestApp } from './support/app.js';
import {
  dumpDatabase,
  idleInTransaction,
  leakForms,
  tipIdOf,
  withClient,
} from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { until } from './support/poll.js';
import { tipctl } from './support/processes.js';
import { bearer, codeFor, staffLogin, STRONG_PASSWORD, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-followup-e4';

async function counts(): Promise<{
  tips: number;
  attachments: number;
  chunks: number;
  messages: number;
}> {
  return withClient(async (c) => {
    const r = await c.query<{
      tips: string;
      attachments: string;
      chunks: string;
      messages: string;
    }>(
      `SELECT (SELECT count(*) FROM tip) AS tips, (SELECT count(*) FROM attachment) AS attachments,
              (SELECT count(*) FROM attachment_chunk) AS chunks, (SELECT count(*) FROM message) AS messages`,
    );
    const row = r.rows[0]!;
    return {
      tips: +row.tips,
      attachments: +row.attachments,
      chunks: +row.chunks,
      messages: +row.messages,
    };
  });
}

describe('follow-ups: receipts, replies, messages, attachments', () => {
  let t: TestApp;
  let key: TestKey;
  let analyst: StaffLogin;

  const submit = async (extra: Record<string, unknown> = {}) => {
    const tip = await submitTip(t, {
      category: 'terrorism',
      submitterUrgency: 'days',
      narrative: `${CANARY} first account`,
      ...extra,
    });
    return { ...tip, id: await tipIdOf(tip.reference) };
  };
  const checkIn = (receipt: string) =>
    request(t.server).post('/v1/follow-ups/status').send({ receipt });

  beforeAll(async () => {
    key = await makeTestKey();
    t = await startTestApp([key.publicKeyPath], { ATTACHMENT_MAX_MB: '2', UPLOAD_MAX_MB: '5' });
    analyst = await staffLogin(t, 'analyst');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('two-way conversation: only the receipt holder reads replies; analysts read everything', async () => {
    const tip = await submit();
    const other = await submit();
    const replyText = `${CANARY} reply: can you send the photo?`;
    const reply = await request(t.server)
      .post(`/v1/triage/tips/${tip.id}/replies`)
      .set(...bearer(analyst))
      .send({ body: replyText })
      .expect(201);
    expect(reply.body).toMatchObject({
      direction: 'analyst',
      author: { username: analyst.username },
    });

    const messageText = `${CANARY} message: yes, attached tomorrow`;
    const sent = await request(t.server)
      .post('/v1/follow-ups/messages')
      .send({ receipt: tip.receipt, body: messageText })
      .expect(201);
    expect(sent.body).toEqual({
      status: 'received',
      at: expect.stringMatching(/:00\.000Z$/),
      attachments: 0,
    });

    // Case and spacing of the receipt do not matter.
    const view = await checkIn(`  ${tip.receipt.toUpperCase().replace(/ /g, '  ')} `).expect(200);
    expect(view.body).toMatchObject({
      reference: tip.reference,
      status: 'received',
      repliesEnabled: true,
    });
    expect(view.body.thread).toEqual([
      { from: 'analyst', at: expect.any(String), body: replyText, attachments: 0 },
      { from: 'you', at: sent.body.at, body: messageText, attachments: 0 },
    ]);
    // Another receipt sees its own (empty) thread, not this one.
    const otherView = await checkIn(other.receipt).expect(200);
    expect(otherView.body.thread).toEqual([]);

    // Analysts decrypt both with the intake key.
    const thread = await request(t.server)
      .get(`/v1/triage/tips/${tip.id}/messages`)
      .set(...bearer(analyst))
      .expect(200);
    const bodies = [];
    for (const m of thread.body.messages) {
      bodies.push(
        JSON.parse(
          Buffer.from(await decryptMessage(Buffer.from(m.armored), key.privateKey)).toString(),
        ).body,
      );
    }
    expect(bodies).toEqual([replyText, messageText]);

    // Status follows triage, in public words.
    await request(t.server)
      .patch(`/v1/triage/tips/${tip.id}`)
      .set(...bearer(analyst))
      .send({ version: 1, status: 'triaging' })
      .expect(200);
    expect((await checkIn(tip.receipt).expect(200)).body.status).toBe('under review');

    const dump = await dumpDatabase();
    for (const secret of ['can you send the photo', 'attached tomorrow', tip.receipt]) {
      for (const form of leakForms(secret)) expect(dump.text).not.toContain(form);
    }
  });

  it('answers every wrong receipt with the same 404', async () => {
    const a = await checkIn('abandon ability able about above absent absorb abstract').expect(404);
    const b = await checkIn('zoo zone zero youth young yellow year wrong').expect(404);
    expect(a.body).toEqual({
      error: { code: 'not_found', message: 'No tip matches this receipt.' },
    });
    expect(b.body).toEqual(a.body);
    await request(t.server)
      .post('/v1/follow-ups/messages')
      .send({ receipt: 'zoo zone zero youth young yellow year wrong', body: 'x' })
      .expect(404);
  });

  it('honours allowReplies: false (no reply key, replies refused)', async () => {
    const tip = await submit({ allowReplies: false });
    const refused = await request(t.server)
      .post(`/v1/triage/tips/${tip.id}/replies`)
      .set(...bearer(analyst))
      .send({ body: 'hello' })
      .expect(409);
    expect(refused.body.error.message).toContain('did not accept replies');
    await request(t.server)
      .post('/v1/follow-ups/messages')
      .send({ receipt: tip.receipt, body: 'more' })
      .expect(201);
    const view = await checkIn(tip.receipt).expect(200);
    expect(view.body.repliesEnabled).toBe(false);
    expect(view.body.thread).toEqual([
      { from: 'you', at: expect.any(String), body: null, attachments: 0 },
    ]);
    const row = await withClient(
      async (c) =>
        (
          await c.query(
            'SELECT submitter_public_key, submitter_wrapped_key FROM tip WHERE id = $1',
            [tip.id],
          )
        ).rows[0],
    );
    expect(row).toEqual({ submitter_public_key: null, submitter_wrapped_key: null });
  });

  it('round-trips a multi-file upload byte for byte through tipctl, refusing names that escape', async () => {
    const files = [
      { name: 'photo.jpg', type: 'image/jpeg', data: randomBytes(1536 * 1024 + 7) },
      { name: 'notes 🦆.txt', type: 'text/plain', data: Buffer.from(`${CANARY} in a file\n`) },
      {
        name: '../../../../tmp/escape.sh',
        type: 'application/x-sh',
        data: Buffer.from('#!/bin/sh\necho pwned\n'),
      },
    ];
    let req = request(t.server)
      .post('/v1/tips')
      .field(
        'tip',
        JSON.stringify({
          category: 'espionage',
          submitterUrgency: 'weeks',
          narrative: `${CANARY} with files`,
        }),
      );
    for (const f of files)
      req = req.attach('file', f.data, { filename: f.name, contentType: f.type });
    const res = await req.expect(201);
    const id = await withClient(
      async (c) =>
        (
          await c.query<{ id: string; attachment_count: number }>(
            'SELECT id, attachment_count FROM tip WHERE reference = $1',
            [res.body.reference],
          )
        ).rows[0]!,
    );
    expect(id.attachment_count).toBe(3);

    // A follow-up message with a file continues the numbering.
    await request(t.server)
      .post('/v1/follow-ups/messages')
      .field('message', JSON.stringify({ receipt: res.body.receipt, body: 'one more' }))
      .attach('file', Buffer.from('fourth'), { filename: 'fourth.txt', contentType: 'text/plain' })
      .expect(201);

    const detail = await request(t.server)
      .get(`/v1/triage/tips/${id.id}`)
      .set(...bearer(analyst))
      .expect(200);
    expect(detail.body.attachments.map((a: { n: number }) => a.n)).toEqual([1, 2, 3, 4]);
    expect(detail.body.counts).toMatchObject({ attachments: 4, messages: 1 });

    const raw = await request(t.server)
      .get(`/v1/triage/tips/${id.id}/attachments/1`)
      .set(...bearer(analyst))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(raw.headers['content-type']).toBe('application/pgp-encrypted');
    expect(
      Buffer.from(await decryptMessage(raw.body as Buffer, key.privateKey)).equals(files[0]!.data),
    ).toBe(true);
    await request(t.server)
      .get(`/v1/triage/tips/${id.id}/attachments/9`)
      .set(...bearer(analyst))
      .expect(404);

    const dump = await dumpDatabase();
    for (const form of leakForms('in a file')) expect(dump.text).not.toContain(form);
    expect(dump.text).not.toContain('photo.jpg');

    // tipctl: log in as the analyst and save the files decrypted.
    const dir = await mkdtemp(join(tmpdir(), 'tipline-read-'));
    const url = await listenOnLoopback(t);
    const env = { TIPCTL_CONFIG_DIR: join(dir, 'cfg') };
    const login = await tipctl(
      [
        'login',
        '--url',
        url,
        '--username',
        analyst.username,
        '--totp',
        codeFor(analyst.totpSecret, 1),
      ],
      {
        ...env,
        TIPCTL_PASSWORD: STRONG_PASSWORD,
      },
    );
    expect(login.stderr).toBe('');
    const out = join(dir, 'files');
    const read = await tipctl(
      ['tips', 'read', id.id, '--key', key.privateKeyPath, '--out', out],
      env,
    );
    expect(read.stderr).toContain('saved attachment 4');
    expect(read.code).toBe(0);
    const thread = JSON.parse(read.stdout.toString());
    // The multipart parser keeps only the last path component of a file name.
    expect(thread.tip.attachments.map((a: { name: string }) => a.name)).toEqual([
      'photo.jpg',
      'notes 🦆.txt',
      'escape.sh',
    ]);
    expect((await readdir(out)).sort()).toEqual([
      '1-photo.jpg',
      '2-notes 🦆.txt',
      '3-escape.sh',
      '4-fourth.txt',
    ]);
    for (const [i, f] of files.entries()) {
      const saved = await readFile(join(out, `${i + 1}-${f.name.split('/').pop()}`));
      expect(saved.equals(f.data)).toBe(true);
    }
    expect(thread.messages[0].content.body).toBe('one more');
  });

  it('refuses an oversized file with 413 and stores nothing of that request', async () => {
    const before = await counts();
    const res = await request(t.server)
      .post('/v1/tips')
      .field(
        'tip',
        JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative: 'too big' }),
      )
      .attach('file', Buffer.from('small'), { filename: 'a.txt', contentType: 'text/plain' })
      .attach('file', randomBytes(2 * 1024 * 1024 + 1), {
        filename: 'big.bin',
        contentType: 'application/octet-stream',
      })
      .expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    // Refused before the body ended: the connection closes, so the rest of the upload
    // cannot be read as the next request on it.
    expect(res.headers.connection).toBe('close');
    expect(await counts()).toEqual(before);
  });

  it('rejects multipart without the JSON part first, and bad JSON in it', async () => {
    await request(t.server)
      .post('/v1/tips')
      .attach('file', Buffer.from('x'), { filename: 'x.txt', contentType: 'text/plain' })
      .expect(400);
    const bad = await request(t.server).post('/v1/tips').field('tip', '{"narrative": ').expect(400);
    expect(bad.body.error.code).toBe('malformed_json');
    const invalid = await request(t.server)
      .post('/v1/tips')
      .field('tip', JSON.stringify({ narrative: 'x', evil: 1 }))
      .expect(400);
    expect(invalid.body.error.code).toBe('validation_failed');
  });

  it('leaves nothing behind when an upload is interrupted mid-stream', async () => {
    const before = await counts();
    await listenOnLoopback(t);
    const boundary = 'tiplineboundary';
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: portOf(t),
        method: 'POST',
        path: '/v1/tips',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(10 * 1024 * 1024),
        },
      });
      req.on('error', () => undefined);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="tip"\r\n\r\n` +
          JSON.stringify({
            category: 'cyber',
            submitterUrgency: 'days',
            narrative: 'interrupted',
          }) +
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      // Only once the server has staged part of the file does the disconnect test its
      // clean-up: otherwise "nothing left" would hold whether or not it cleans up.
      req.write(randomBytes(1536 * 1024), () => {
        until('staged chunks of the upload', counts, (n) => n.chunks > before.chunks, 10_000)
          .then(() => {
            req.destroy();
          })
          .then(resolve, (err: Error) => {
            req.destroy();
            reject(err);
          });
      });
    });
    // The server notices the disconnect and removes the staged chunks at once (asynchronously).
    expect(
      await until(
        'the staged upload to be removed',
        counts,
        (n) => JSON.stringify(n) === JSON.stringify(before),
        5000,
      ),
    ).toEqual(before);
    // No session of the service is left inside a transaction by the broken request.
    expect(await idleInTransaction()).toBe(0);
    await request(t.server).get('/health/ready').expect(200);
  });

  it('throttles receipt guessing per address (429 with Retry-After)', async () => {
    let limited: request.Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await checkIn(`wrong receipt number ${i} a b c d`);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(404);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
