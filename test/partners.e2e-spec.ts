import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { canonicalJson } from '../src/common/canonical-json.js';
import { decryptMessage, generateKeyPair, signDetached } from '../src/crypto/openpgp.js';
import type { ApiKeyScope } from '../src/partners/api-keys.js';
import { startTestApp, type TestApp } from './support/app.js';
import { dumpDatabase, leakForms, withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { partnerThroughAdminApi, type ApiPartner } from './support/partners.js';
import { until } from './support/poll.js';
import { awaitRoomInWindow, msLeftInStep, UTC_DAY_MS } from './support/windows.js';

const CANARY = 'CANARY-partner-0c1d';

async function tipCount(partnerId: string, sourceRef?: string): Promise<number> {
  return withClient(async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM tip WHERE partner_id = $1 AND ($2::text IS NULL OR source_ref = $2)`,
      [partnerId, sourceRef ?? null],
    );
    return Number(r.rows[0]!.n);
  });
}

describe('partner API', () => {
  let t: TestApp;
  let intake: TestKey;
  let admin: StaffLogin;
  let a: ApiPartner;
  let b: ApiPartner;
  const output: string[] = [];
  const writes = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };

  const tip = (sourceRef: string, extra: Record<string, unknown> = {}) => ({
    category: 'cyber',
    submitterUrgency: 'days',
    narrative: `${CANARY} botnet C2 seen in our network`,
    sourceRef,
    ...extra,
  });

  const makePartner = (settings: Record<string, unknown> = {}, scopes?: ApiKeyScope[]) =>
    partnerThroughAdminApi(t, admin, settings, scopes);

  const post = (p: ApiPartner, body: unknown, idem: string | null = randomUUID()) => {
    let req = request(t.server).post('/v1/partner/tips').set('Authorization', `Bearer ${p.key}`);
    if (idem !== null) req = req.set('Idempotency-Key', idem);
    return req.send(body as object);
  };

  beforeAll(async () => {
    intake = await makeTestKey();
    t = await startTestApp([intake.publicKeyPath]);
    admin = await staffLogin(t, 'admin');
    a = await makePartner();
    b = await makePartner();
    // Capture everything the process writes from here on (logs included).
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      output.push(String(chunk));
      return writes.out(chunk, ...rest);
    };
    process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      output.push(String(chunk));
      return writes.err(chunk, ...rest);
    };
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await t?.close();
  });

  it('key lifecycle: shown once as tpk_<id>_<secret>, works, revoked -> 401 on the next request', async () => {
    const p = await makePartner();
    expect(p.key).toMatch(/^tpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const res = await post(p, tip('lifecycle-1')).expect(201);
    expect(res.body).toMatchObject({
      reference: expect.stringMatching(/^TIP-/),
      sourceRef: 'lifecycle-1',
      status: 'received',
      signedBy: null,
    });
    const keys = await request(t.server)
      .get(`/v1/admin/partners/${p.id}/api-keys`)
      .set(...bearer(admin))
      .expect(200);
    expect(JSON.stringify(keys.body)).not.toContain(p.key.slice('tpk_'.length + 17));
    const keyId = keys.body.apiKeys[0].id;
    await request(t.server)
      .delete(`/v1/admin/partners/${p.id}/api-keys/${keyId}`)
      .set(...bearer(admin))
      .expect(204);
    const denied = await post(p, tip('lifecycle-2')).expect(401);
    expect(denied.body.error.code).toBe('unauthenticated');
    // A wrong secret for a real key id, and a staff token, are refused too.
    await post({ ...p, key: p.key.slice(0, -4) + 'AAAA' }, tip('x')).expect(401);
    await request(t.server)
      .post('/v1/partner/tips')
      .set(...bearer(admin))
      .set('Idempotency-Key', 'k')
      .send(tip('x'))
      .expect(401);
  });

  it('enforces scopes', async () => {
    const submitOnly = await makePartner({}, ['tips:submit']);
    const res = await post(submitOnly, tip('scoped')).expect(201);
    const read = await request(t.server)
      .get(`/v1/partner/tips/${res.body.id}`)
      .set('Authorization', `Bearer ${submitOnly.key}`)
      .expect(403);
    expect(read.body.error.message).toContain('tips:read');
  });

  it("shows a partner only its own tips (BOLA): another partner's id is 404 like an absent one", async () => {
    const mine = await post(a, tip('bola-1')).expect(201);
    const own = await request(t.server)
      .get(`/v1/partner/tips/${mine.body.id}`)
      .set('Authorization', `Bearer ${a.key}`)
      .expect(200);
    expect(own.body).toEqual({ ...mine.body, status: 'received' });
    const bySource = await request(t.server)
      .get('/v1/partner/tips?sourceRef=bola-1')
      .set('Authorization', `Bearer ${a.key}`)
      .expect(200);
    expect(bySource.body.tips).toEqual([own.body]);

    const other = await request(t.server)
      .get(`/v1/partner/tips/${mine.body.id}`)
      .set('Authorization', `Bearer ${b.key}`)
      .expect(404);
    const absent = await request(t.server)
      .get(`/v1/partner/tips/${randomUUID()}`)
      .set('Authorization', `Bearer ${b.key}`)
      .expect(404);
    expect(other.body).toEqual(absent.body);
    const otherBySource = await request(t.server)
      .get('/v1/partner/tips?sourceRef=bola-1')
      .set('Authorization', `Bearer ${b.key}`)
      .expect(200);
    expect(otherBySource.body.tips).toEqual([]);
  });

  it('idempotency: header required, same request replays, other body 422, 20 concurrent create one tip', async () => {
    const missing = await post(a, tip('idem-0'), null).expect(400);
    expect(missing.body.error.code).toBe('idempotency_key_required');
    await post(a, tip('idem-0'), 'x'.repeat(256)).expect(400);
    expect(await tipCount(a.id, 'idem-0')).toBe(0);

    const key = randomUUID();
    const first = await post(a, tip('idem-1'), key).expect(201);
    const again = await post(a, tip('idem-1'), key).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await tipCount(a.id, 'idem-1')).toBe(1);

    const reused = await post(a, tip('idem-1', { narrative: 'different' }), key).expect(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');

    const burstKey = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(a, tip('idem-burst'), burstKey)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses).toContain(201);
    const created = results.filter((r) => r.status === 201).map((r) => String(r.body.id));
    expect(new Set(created).size).toBe(1);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error.code).toBe('idempotency_in_flight');
    expect(await tipCount(a.id, 'idem-burst')).toBe(1);
    // Scoped per partner: B may use the same key for its own request.
    await post(b, tip('idem-burst'), burstKey).expect(201);

    const kept = await withClient(
      async (c) =>
        (
          await c.query<{ hours: number }>(
            `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_record WHERE key = $1 AND partner_id = $2`,
            [key, a.id],
          )
        ).rows[0]!,
    );
    expect(Number(kept.hours)).toBeGreaterThanOrEqual(24);
  });

  it('idempotency across instances: one key at the same moment on two makes one tip, both get its answer, the quota counts it once', async () => {
    await awaitRoomInWindow('the UTC day', () => msLeftInStep(UTC_DAY_MS), 30_000);
    const second = await startTestApp([intake.publicKeyPath]);
    try {
      const p = await makePartner();
      await post(p, tip('race-0')).expect(201); // the day's counter row exists now
      const dayCount = () =>
        withClient(
          async (c) =>
            (
              await c.query<{ tips: number }>(
                `SELECT tips FROM partner_daily_tips
                  WHERE partner_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
                [p.id],
              )
            ).rows[0]?.tips,
        );
      expect(await dayCount()).toBe(1);
      const key = randomUUID();
      const send = (server: TestApp['server']) =>
        new Promise<request.Response>((resolve, reject) => {
          request(server)
            .post('/v1/partner/tips')
            .set('Authorization', `Bearer ${p.key}`)
            .set('Idempotency-Key', key)
            .send(tip('race-1'))
            .end((err, res) => (err ? reject(err as Error) : resolve(res)));
        });
      const [one, two] = await withClient(async (c) => {
        // Holding the counter row: both instances look the key up, find nothing,
        // encrypt, and wait on the row in their statements (the first on this
        // transaction, the second queued behind it on the row).
        await c.query('BEGIN');
        await c.query('SELECT tips FROM partner_daily_tips WHERE partner_id = $1 FOR UPDATE', [
          p.id,
        ]);
        const both = Promise.all([send(t.server), send(second.server)]);
        await until(
          'both statements waiting on the counter row',
          async () =>
            Number(
              (
                await c.query<{ n: string }>(
                  `SELECT count(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'`,
                )
              ).rows[0]!.n,
            ),
          (n) => n === 2,
          10_000,
        );
        await c.query('COMMIT');
        return both;
      });
      expect([one.status, two.status]).toEqual([201, 201]);
      expect(two.body).toEqual(one.body);
      expect([one, two].map((r) => r.headers['idempotent-replayed']).sort()).toEqual([
        'true',
        undefined,
      ]);
      expect(await tipCount(p.id, 'race-1')).toBe(1);
      // The loser's count was given back: race-0 and race-1.
      expect(await dayCount()).toBe(2);
      // A retry later replays the same answer.
      const again = await post(p, tip('race-1'), key).expect(201);
      expect(again.body).toEqual(one.body);
    } finally {
      await second.close();
    }
  });

  it('refuses a second submission of a sourceRef with 409 naming the existing tip', async () => {
    const counted = (): Promise<number> =>
      withClient(
        async (c) =>
          (
            await c.query<{ tips: number }>(
              `SELECT tips FROM partner_daily_tips
                WHERE partner_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
              [a.id],
            )
          ).rows[0]?.tips ?? 0,
      );
    const first = await post(a, tip('dup-source')).expect(201);
    const before = await counted();
    const second = await post(a, tip('dup-source', { narrative: 'again' })).expect(409);
    expect(second.body.error.code).toBe('source_ref_conflict');
    expect(second.body.error.message).toContain(first.body.reference);
    expect(second.body.error.details).toEqual([
      { field: 'sourceRef', problem: `already used by tip ${first.body.id}` },
    ]);
    expect(await tipCount(a.id, 'dup-source')).toBe(1);
    // Found by the unique index inside the tip's statement: the quota count went back with it.
    expect(before).toBeGreaterThan(0);
    expect(await counted()).toBe(before);
  });

  it('verifies signatures: good ones record the signer, bad ones are 422 with nothing stored', async () => {
    const signer = await generateKeyPair({ name: 'Partner signer' });
    const stranger = await generateKeyPair({ name: 'Someone else' });
    const p = await makePartner({ requireSignature: true });
    const added = await request(t.server)
      .post(`/v1/admin/partners/${p.id}/signing-keys`)
      .set(...bearer(admin))
      .send({ armored: signer.publicKey })
      .expect(201);
    expect(added.body.fingerprint).toBe(signer.fingerprint);

    const body = tip('signed-1', { indicators: [{ type: 'domain', value: 'evil.example.org' }] });
    const signature = await signDetached(Buffer.from(canonicalJson(body)), signer.privateKey);
    const ok = await post(p, { ...body, signature }).expect(201);
    expect(ok.body.signedBy).toBe(signer.fingerprint);
    const stored = await withClient(
      async (c) =>
        (
          await c.query<{ signer_fingerprint: string }>(
            'SELECT signer_fingerprint FROM tip WHERE id = $1',
            [ok.body.id],
          )
        ).rows[0]!,
    );
    expect(stored.signer_fingerprint).toBe(signer.fingerprint);

    const forged = await signDetached(
      Buffer.from(canonicalJson(tip('signed-2'))),
      stranger.privateKey,
    );
    const bad = await post(p, { ...tip('signed-2'), signature: forged }).expect(422);
    expect(bad.body.error.code).toBe('signature_invalid');
    const tampered = await post(p, { ...tip('signed-3'), signature }).expect(422);
    expect(tampered.body.error.code).toBe('signature_invalid');
    const unsigned = await post(p, tip('signed-4')).expect(422);
    expect(unsigned.body.error.message).toContain('must sign');
    await post(p, { ...tip('signed-5'), signature: 'garbage' }).expect(422);
    expect(await tipCount(p.id)).toBe(1);
  });

  it('enforces quotas with 429, Retry-After and RateLimit headers; usage shows them', async () => {
    // The daily count restarts at 00:00 UTC (the service's clock is this process's).
    await awaitRoomInWindow('the UTC day', () => msLeftInStep(UTC_DAY_MS), 20_000);
    const daily = await makePartner({ tipsPerDay: 2 });
    await post(daily, tip('q-1')).expect(201);
    await post(daily, tip('q-2')).expect(201);
    const over = await post(daily, tip('q-3')).expect(429);
    expect(over.body.error.code).toBe('quota_exceeded');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // A reused sourceRef stays a 409 at a full quota (not a 429 to retry tomorrow).
    const reused = await post(daily, tip('q-1', { narrative: 'again' })).expect(409);
    expect(reused.body.error.code).toBe('source_ref_conflict');
    expect(await tipCount(daily.id)).toBe(2);

    const usage = await request(t.server)
      .get('/v1/partner/usage')
      .set('Authorization', `Bearer ${daily.key}`)
      .expect(200);
    expect(usage.body).toMatchObject({
      limits: { tipsPerDay: 2, requestsPerMinute: 60 },
      usage: { tipsToday: 2 },
    });
    expect(usage.body.usage.requestsThisMinute).toBeGreaterThanOrEqual(4);

    // Concurrent submissions against the last places: the counter row orders them.
    const racing = await makePartner({ tipsPerDay: 3 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(racing, tip(`race-${i}`))),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429, 429]);
    expect(await tipCount(racing.id)).toBe(3);
    const raced = await request(t.server)
      .get('/v1/partner/usage')
      .set('Authorization', `Bearer ${racing.key}`)
      .expect(200);
    expect(raced.body.usage.tipsToday).toBe(3);

    const slow = await makePartner({ requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await request(t.server)
        .get('/v1/partner/usage')
        .set('Authorization', `Bearer ${slow.key}`)
        .expect(200);
      expect(res.headers['ratelimit-policy']).toBe('"per-key";q=3;w=60');
      expect(res.headers.ratelimit).toMatch(new RegExp(`^"per-key";r=${2 - i};t=\\d+$`));
    }
    const limited = await request(t.server)
      .get('/v1/partner/usage')
      .set('Authorization', `Bearer ${slow.key}`)
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('validates indicators per type and names the bad field; stores them encrypted', async () => {
    const good = [
      { type: 'domain', value: 'c2.evil.example' },
      { type: 'ipv4', value: '203.0.113.9' },
      { type: 'ipv6', value: '2001:db8::1' },
      { type: 'url', value: 'https://evil.example/x?y=1' },
      { type: 'email', value: 'ops@evil.example' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
      { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      {
        type: 'sha512',
        value:
          'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      },
      { type: 'phone', value: '+442079460123' },
      { type: 'btc-address', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
      { type: 'eth-address', value: '0x52908400098527886E0F7030069857D2E4169EE7' },
      {
        type: 'text',
        value: 'the operator calls himself "Nightjar"',
        description: `${CANARY}-ioc`,
      },
    ];
    const res = await post(
      a,
      tip('ioc-good', {
        indicators: good,
        classification: { tlp: 'red', priority: 'P1', confidence: 70, labels: ['botnet'] },
      }),
    ).expect(201);
    const row = await withClient(
      async (c) =>
        (
          await c.query<{ payload: Buffer; tlp: string; priority: number; confidence: number }>(
            'SELECT payload, tlp, priority, confidence FROM tip WHERE id = $1',
            [res.body.id],
          )
        ).rows[0]!,
    );
    expect(row).toMatchObject({ tlp: 'red', priority: 1, confidence: 70 });
    const content = JSON.parse(
      Buffer.from(await decryptMessage(row.payload, intake.privateKey)).toString(),
    );
    expect(content).toMatchObject({
      channel: 'partner',
      sourceRef: 'ioc-good',
      partner: { id: a.id },
    });
    expect(content.indicators).toHaveLength(good.length);

    const bad: Array<[string, string]> = [
      ['domain', 'not a domain'],
      ['ipv4', '300.1.1.1'],
      ['ipv6', '2001:db8:::1'],
      ['url', 'javascript:alert(1)'],
      ['email', 'nobody@'],
      ['md5', 'abc'],
      ['sha1', 'z'.repeat(40)],
      ['sha256', 'e3b0'],
      ['sha512', '00'],
      ['phone', '0207 946 0123'],
      ['btc-address', '1notanaddress'],
      ['eth-address', '0x123'],
      ['text', '   '],
    ];
    for (const [type, value] of bad) {
      const r = await post(
        a,
        tip(`ioc-bad-${type}`, { indicators: [good[0], { type, value }] }),
      ).expect(400);
      expect(r.body.error.details).toContainEqual({
        field: 'indicators.1.value',
        problem: expect.stringContaining(type),
      });
    }
    const unknown = await post(
      a,
      tip('ioc-bad-type', { indicators: [{ type: 'bogus', value: 'x' }] }),
    ).expect(400);
    expect(unknown.body.error.details.map((d: { field: string }) => d.field)).toContain(
      'indicators.0.type',
    );
    expect(await tipCount(a.id, 'ioc-bad-domain')).toBe(0);
  });

  it('leaves no raw API key or content in the database or the logs', async () => {
    const dump = await dumpDatabase();
    for (const p of [a, b]) {
      const secret = p.key.slice('tpk_'.length + 17);
      expect(secret).toHaveLength(43);
      for (const form of [...leakForms(p.key), ...leakForms(secret)]) {
        expect(dump.text).not.toContain(form);
        expect(output.join('')).not.toContain(form);
      }
    }
    for (const form of leakForms(CANARY)) expect(dump.text).not.toContain(form);
    expect(output.join('')).not.toContain(CANARY);
  });
});
