import request from 'supertest';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { ReceiptHasher } from '../src/crypto/receipts.js';
import { TEST_SERVER_SECRET, startTestApp, type TestApp } from './support/app.js';
import { countTips, dumpDatabase, leakForms, withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';

const CANARY = 'CANARY-7f3a9c-intake';
// Emoji, NUL, quotes, SQL and HTML metacharacters, RTL and combining marks.
const NASTY = `${CANARY} 🦆🔥 \u0000 NUL'; DROP TABLE tip; -- <script>alert("x")</script> &amp; \\ שלום e\u0301 \u2028`;

interface TipRow {
  id: string;
  reference: string;
  channel: string;
  category: string;
  submitter_urgency: string;
  received_at: Date;
  status: string;
  priority: number;
  tlp: string;
  payload: Buffer;
  payload_bytes: number;
  key_fingerprints: string[];
  receipt_hash: Buffer;
}

async function rowByReference(reference: string): Promise<TipRow> {
  return withClient(async (c) => {
    const r = await c.query<TipRow>('SELECT * FROM tip WHERE reference = $1', [reference]);
    expect(r.rows).toHaveLength(1);
    return r.rows[0]!;
  });
}

describe('POST /v1/tips (public intake)', () => {
  let t: TestApp;
  let key: TestKey;
  let second: TestKey;

  beforeAll(async () => {
    key = await makeTestKey('curve25519');
    second = await makeTestKey('curve25519');
    t = await startTestApp([key.publicKeyPath, second.publicKeyPath]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 201 with a reference and an 8-word receipt, and stores only ciphertext', async () => {
    const before = await countTips();
    const tip = {
      category: 'terrorism',
      submitterUrgency: 'immediate-danger',
      narrative: NASTY,
      location: `${CANARY}-location`,
      occurredAt: 'yesterday evening',
      peopleInvolved: `${CANARY}-people`,
      organisationsInvolved: `${CANARY}-orgs`,
      contact: `${CANARY}-contact`,
    };
    const res = await request(t.server).post('/v1/tips').send(tip).expect(201);

    expect(res.body).toEqual({
      reference: expect.stringMatching(/^TIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/),
      receipt: expect.any(String),
      status: 'received',
    });
    const { reference, receipt } = res.body as { reference: string; receipt: string };
    expect(receipt.split(' ')).toHaveLength(8);
    expect(await countTips()).toBe(before + 1);

    const row = await rowByReference(reference);
    expect(row).toMatchObject({
      channel: 'public',
      category: 'terrorism',
      submitter_urgency: 'immediate-danger',
      status: 'new',
      priority: 1,
      tlp: 'amber',
      payload_bytes: row.payload.length,
    });
    expect([...row.key_fingerprints].sort()).toEqual([key.fingerprint, second.fingerprint].sort());
    // Minute precision, in the timestamp and in the UUIDv7's time part alike.
    expect(row.received_at.getTime() % 60_000).toBe(0);
    const uuidMillis = parseInt(row.id.replace(/-/g, '').slice(0, 12), 16);
    expect(uuidMillis).toBe(row.received_at.getTime());
    expect(row.id[14]).toBe('7');
    // Only an HMAC of the receipt is stored.
    expect(
      row.receipt_hash.equals(new ReceiptHasher(Buffer.from(TEST_SERVER_SECRET)).hash(receipt)),
    ).toBe(true);

    // Nothing the submitter wrote, nor the receipt, is anywhere in the database.
    const dump = await dumpDatabase();
    // With DATABASE_URL (CI) the server's own pg_dump is used; the embedded 17 is newer than Debian's.
    if (process.env.DATABASE_URL) expect(dump.tool).toBe('pg_dump');
    expect(dump.text).toContain(reference);
    for (const secret of [CANARY, receipt, 'DROP TABLE tip']) {
      for (const form of leakForms(secret)) expect(dump.text).not.toContain(form);
    }

    // Each recipient decrypts it, byte for byte.
    for (const k of [key, second]) {
      const plaintext = Buffer.from(await decryptMessage(row.payload, k.privateKey)).toString(
        'utf8',
      );
      const content = JSON.parse(plaintext) as Record<string, unknown>;
      expect(content).toEqual({
        schema: 'tipline.tip/v1',
        reference,
        channel: 'public',
        receivedAt: row.received_at.toISOString(),
        ...tip,
      });
      expect(content.narrative).toBe(NASTY);
      // Canonical JSON: sorted keys, no whitespace.
      expect(plaintext).toBe(JSON.stringify(content, Object.keys(content).sort()));
    }
  });

  it('keeps optional fields out of the payload when they are not given', async () => {
    const res = await request(t.server)
      .post('/v1/tips')
      .send({ category: 'cyber', submitterUrgency: 'unknown', narrative: 'x' })
      .expect(201);
    const row = await rowByReference((res.body as { reference: string }).reference);
    const content = JSON.parse(
      Buffer.from(await decryptMessage(row.payload, key.privateKey)).toString('utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(content).sort()).toEqual([
      'category',
      'channel',
      'narrative',
      'receivedAt',
      'reference',
      'schema',
      'submitterUrgency',
    ]);
    expect(row.priority).toBe(3);
  });

  it('gives every tip its own reference and receipt', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(t.server)
          .post('/v1/tips')
          .send({ category: 'other', submitterUrgency: 'weeks', narrative: 'parallel' })
          .expect(201),
      ),
    );
    const bodies = results.map((r) => r.body as { reference: string; receipt: string });
    expect(new Set(bodies.map((b) => b.reference)).size).toBe(10);
    expect(new Set(bodies.map((b) => b.receipt)).size).toBe(10);
  });

  it('accepts a narrative of exactly 100,000 characters', async () => {
    await request(t.server)
      .post('/v1/tips')
      .send({ category: 'espionage', submitterUrgency: 'days', narrative: 'n'.repeat(100_000) })
      .expect(201);
  });
});

describe('GET /v1/intake-keys', () => {
  let t: TestApp;
  let key: TestKey;
  let v6: TestKey;

  beforeAll(async () => {
    key = await makeTestKey('curve25519');
    v6 = await makeTestKey('rfc9580');
    t = await startTestApp([key.publicKeyPath, v6.publicKeyPath]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('publishes every active public key with its fingerprint and version', async () => {
    const res = await request(t.server).get('/v1/intake-keys').expect(200);
    const keys = (res.body as { keys: Array<Record<string, unknown>> }).keys;
    expect(keys.map((k) => [k.fingerprint, k.version])).toEqual([
      [key.fingerprint, 4],
      [v6.fingerprint, 6],
    ]);
    for (const k of keys) {
      expect(k.armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      expect(k.armored).not.toMatch(/PRIVATE/);
    }
  });

  it('encrypts to a v4 and a v6 key together; each decrypts', async () => {
    const res = await request(t.server)
      .post('/v1/tips')
      .send({ category: 'proliferation', submitterUrgency: 'weeks', narrative: CANARY })
      .expect(201);
    const row = await rowByReference((res.body as { reference: string }).reference);
    for (const k of [key, v6]) {
      const content = JSON.parse(
        Buffer.from(await decryptMessage(row.payload, k.privateKey)).toString('utf8'),
      ) as { narrative: string };
      expect(content.narrative).toBe(CANARY);
    }
  });
});

describe('when no intake key is valid', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    t.keyRing.replace([]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses tips with 503 and Retry-After, storing nothing, and is not ready', async () => {
    const before = await countTips();
    const res = await request(t.server)
      .post('/v1/tips')
      .send({ category: 'cyber', submitterUrgency: 'days', narrative: CANARY })
      .expect(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect((res.body as { error: { code: string } }).error.code).toBe('intake_unavailable');
    expect(JSON.stringify(res.body)).not.toContain(CANARY);
    expect(await countTips()).toBe(before);

    const ready = await request(t.server).get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ error: { code: 'unavailable' } });
    await request(t.server).get('/health/live').expect(200, { status: 'ok' });
  });
});
