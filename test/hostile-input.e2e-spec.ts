import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './support/app.js';
import { countTips } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { staffLogin, uniqueName, type StaffLogin } from './support/staff.js';
import { partnerToken } from './support/partners.js';

const CANARY = 'hostileCanaryField';
const valid = { category: 'cyber', submitterUrgency: 'days', narrative: 'a tip' };

function deep(n: number): string {
  return '{"narrative":' + '['.repeat(n) + ']'.repeat(n) + '}';
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Every refusal: a 4xx, our JSON error shape, our security headers, nothing echoed. */
function expectRefusal(res: Answer, status?: number | RegExp, ...notEchoed: string[]): void {
  if (status instanceof RegExp) expect(String(res.status)).toMatch(status);
  else if (status !== undefined) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.text) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cache-control']).toBe('no-store');
  for (const s of [CANARY, ...notEchoed]) expect(res.text).not.toContain(s);
}

describe('hostile input gets a 4xx in our shape', () => {
  let t: TestApp;
  let analyst: StaffLogin;
  let admin: StaffLogin;
  let partnerKey: string;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    analyst = await staffLogin(t, 'analyst');
    admin = await staffLogin(t, 'admin');
    partnerKey = await partnerToken(t, { name: 'hostile', requestsPerMinute: 1000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses JSON nested 10,000 deep on every JSON route with 400', async () => {
    const before = await countTips();
    const body = deep(10_000);
    const routes: Array<[string, string, [string, string] | null]> = [
      ['post', '/v1/tips', null],
      ['post', '/v1/auth/sessions', null],
      ['post', '/v1/follow-ups/status', null],
      ['post', '/v1/partner/tips', ['Authorization', `Bearer ${partnerKey}`]],
      ['patch', `/v1/triage/tips/${randomUUID()}`, ['Authorization', `Bearer ${analyst.token}`]],
      ['post', '/v1/admin/partners', ['Authorization', `Bearer ${admin.token}`]],
    ];
    for (const [method, path, auth] of routes) {
      let req = (request(t.server) as unknown as Record<string, (p: string) => request.Test>)[
        method
      ]!(path)
        .set('Content-Type', 'application/json')
        .set('Idempotency-Key', randomUUID());
      if (auth) req = req.set(...auth);
      const res = await req.send(body);
      expectRefusal(res, 400);
    }
    // In a multipart JSON part too.
    const res = await request(t.server)
      .post('/v1/tips')
      .field('tip', deep(10_000), { contentType: 'application/json' } as never);
    expectRefusal(res, 400);
    expect(await countTips()).toBe(before);
  });

  it('refuses NUL bytes and out-of-range numbers before they reach PostgreSQL', async () => {
    expectRefusal(
      await request(t.server)
        .post('/v1/auth/sessions')
        .send({ username: 'a\u0000b', password: 'x'.repeat(20), totp: '123456' }),
      400,
    );
    expectRefusal(
      await request(t.server)
        .get('/v1/partner/tips?sourceRef=%00')
        .set('Authorization', `Bearer ${partnerKey}`),
      400,
    );
    expectRefusal(
      await request(t.server)
        .post('/v1/admin/partners')
        .set('Authorization', `Bearer ${admin.token}`)
        .send({ name: 'evil\u0000corp' }),
      400,
    );
    expectRefusal(
      await request(t.server)
        .delete('/v1/admin/intake-keys/%00')
        .set('Authorization', `Bearer ${admin.token}`),
      /^4/,
    );
    expectRefusal(
      await request(t.server)
        .get(`/v1/triage/tips/${randomUUID()}/attachments/99999999999`)
        .set('Authorization', `Bearer ${analyst.token}`),
      404,
    );
    expectRefusal(
      await request(t.server)
        .patch(`/v1/triage/tips/${randomUUID()}`)
        .set('Authorization', `Bearer ${analyst.token}`)
        .send({ version: 99_999_999_999, status: 'triaging' }),
      400,
    );
    // Encrypted content may hold NUL (it never reaches PostgreSQL as text): accepted.
    await request(t.server)
      .post('/v1/tips')
      .send({ ...valid, narrative: 'nul \u0000 inside' })
      .expect(201);
    // The pipe counted nothing into PostgreSQL: the service is still healthy.
    await request(t.server).get('/health/ready').expect(200);
  });

  it('maps broken multipart bodies to 4xx', async () => {
    const before = await countTips();
    const part = `--b1\r\nContent-Disposition: form-data; name="tip"\r\n\r\n${JSON.stringify(valid)}\r\n--b1--\r\n`;
    expectRefusal(
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'multipart/form-data')
        .send(part),
    );
    expectRefusal(
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'multipart/form-data; boundary=other')
        .send(part),
    );
    expectRefusal(
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'multipart/form-data; boundary=b1')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(part)),
    );
    expectRefusal(
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(JSON.stringify(valid))),
    );
    expect(await countTips()).toBe(before);
  });

  it("routes Fastify's own errors through our filter, headers on, path not echoed", async () => {
    const bad = await request(t.server)
      .get('/v1/triage/tips/%ffX' + CANARY)
      .set('Authorization', `Bearer ${analyst.token}`);
    expectRefusal(bad, 400, '%ff');
    const long = 'L'.repeat(600) + CANARY;
    expectRefusal(
      await request(t.server)
        .get(`/v1/triage/tips/${long}`)
        .set('Authorization', `Bearer ${analyst.token}`),
      /^4/,
      'LLLLLLLL',
    );
    expectRefusal(
      await request(t.server)
        .delete(`/v1/admin/intake-keys/${long}`)
        .set('Authorization', `Bearer ${admin.token}`),
      /^4/,
      'LLLLLLLL',
    );
    expectRefusal(await request(t.server).get(`/v1/${long}`), 404, 'LLLLLLLL');
  });

  it('accepts a multipart tip part sent as Content-Type: application/json', async () => {
    const res = await request(t.server)
      .post('/v1/tips')
      .field('tip', JSON.stringify(valid), { contentType: 'application/json' } as never)
      .attach('file', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('received');
  });

  it('names only fields of the schema in details: an unknown property gets a fixed label', async () => {
    const res = await request(t.server)
      .post('/v1/tips')
      .send({ ...valid, [CANARY]: 1 });
    expectRefusal(res, 400);
    expect(res.body.error.details).toEqual([{ field: '(unknown)', problem: expect.any(String) }]);

    const partner = await request(t.server)
      .post('/v1/partner/tips')
      .set('Authorization', `Bearer ${partnerKey}`)
      .set('Idempotency-Key', randomUUID())
      .send({
        ...valid,
        sourceRef: uniqueName('src'),
        indicators: [{ type: CANARY, value: 'x', [CANARY + '2']: 1 }],
      });
    expectRefusal(partner, 400);
    const fields = (partner.body.error.details as Array<{ field: string }>).map((d) => d.field);
    for (const f of fields) expect(f).toMatch(/^indicators\.0\.(type|value|\(unknown\))$/);
  });

  it('stores nothing for any of these', async () => {
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM partner WHERE name LIKE $1', [
        'evil%',
      ]);
    expect(rows[0]!.n).toBe(0);
  });
});
