import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { countTips } from './support/database.js';
import { makeTestKey } from './support/keys.js';

const CANARY = 'CANARY-b4d1nput';
const valid = { category: 'cyber', submitterUrgency: 'days', narrative: `ok ${CANARY}` };

interface Case {
  name: string;
  status: number;
  code: string;
  contentType?: string;
  body?: string | Buffer;
  field?: string;
}

const json = (value: unknown): string => JSON.stringify(value);

const cases: Case[] = [
  {
    name: 'an unknown field',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, extra: CANARY }),
    field: '(unknown)',
  },
  {
    name: 'an unknown field with a hostile name',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, [`<${CANARY}>`]: 1 }),
  },
  {
    name: 'a number where text belongs',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, narrative: 42 }),
    field: 'narrative',
  },
  {
    name: 'an object where text belongs',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, location: { a: CANARY } }),
    field: 'location',
  },
  {
    name: 'an unknown category',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, category: CANARY }),
    field: 'category',
  },
  {
    name: 'an unknown urgency',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, submitterUrgency: CANARY }),
    field: 'submitterUrgency',
  },
  {
    name: 'a missing narrative',
    status: 400,
    code: 'validation_failed',
    body: json({ category: 'cyber', submitterUrgency: 'days' }),
    field: 'narrative',
  },
  {
    name: 'a blank narrative',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, narrative: ' \n\t ' }),
    field: 'narrative',
  },
  {
    name: 'a narrative over 100,000 characters',
    status: 400,
    code: 'validation_failed',
    body: json({ ...valid, narrative: CANARY + 'n'.repeat(100_000) }),
    field: 'narrative',
  },
  { name: 'a JSON array', status: 400, code: 'validation_failed', body: json([valid]) },
  { name: 'a JSON string', status: 400, code: 'validation_failed', body: json(CANARY) },
  { name: 'JSON null', status: 400, code: 'validation_failed', body: 'null' },
  {
    name: 'malformed JSON',
    status: 400,
    code: 'malformed_json',
    body: `{"narrative": "${CANARY}",`,
  },
  { name: 'an empty JSON body', status: 400, code: 'malformed_json', body: '' },
  {
    name: 'a __proto__ key',
    status: 400,
    code: 'malformed_json',
    body: `{"__proto__": {"x": "${CANARY}"}, "narrative": "a"}`,
  },
  {
    name: 'a body over 1 MiB',
    status: 413,
    code: 'payload_too_large',
    body: json({ ...valid, narrative: CANARY + 'x'.repeat(1024 * 1024) }),
  },
  {
    name: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
    contentType: 'text/plain',
    body: CANARY,
  },
  {
    name: 'a form',
    status: 415,
    code: 'unsupported_media_type',
    contentType: 'application/x-www-form-urlencoded',
    body: `narrative=${CANARY}`,
  },
  {
    name: 'XML',
    status: 415,
    code: 'unsupported_media_type',
    contentType: 'application/xml',
    body: `<tip>${CANARY}</tip>`,
  },
];

describe('bad input to POST /v1/tips', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(cases)('$name: $status $code, nothing stored, nothing echoed', async (c) => {
    const before = await countTips();
    const res = await request(t.server)
      .post('/v1/tips')
      .set('Content-Type', c.contentType ?? 'application/json')
      .send(c.body ?? '');

    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.body as {
      error: { code: string; message: string; details?: Array<{ field?: string }> };
    };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(c.code);
    expect(typeof body.error.message).toBe('string');
    if (c.field !== undefined) {
      expect(body.error.details?.map((d) => d.field)).toContain(c.field);
    }
    expect(res.text).not.toContain(CANARY);
    expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
    expect(await countTips()).toBe(before);
  });

  it('answers unknown routes with 404 in the same error shape', async () => {
    const res = await request(t.server).get(`/v1/${CANARY}`).expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
  });

  it('sets the security headers on errors too', async () => {
    const res = await request(t.server).post('/v1/tips').send({}).expect(400);
    expect(res.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
