import request from 'supertest';
import { solve } from '../src/proof-of-work/pow.js';
import { startTestApp, type TestApp } from './support/app.js';
import { countTips } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { tipctl } from './support/processes.js';

const tip = { category: 'cyber', submitterUrgency: 'days', narrative: 'with work done' };

async function challenge(t: TestApp): Promise<{ challenge: string; difficulty: number }> {
  const res = await request(t.server).get('/v1/challenges').expect(200);
  expect(res.body).toMatchObject({
    algorithm: 'sha256-leading-zero-bits',
    header: 'X-Tipline-Pow',
  });
  return res.body;
}

describe('proof of work on anonymous writes', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const key = (await makeTestKey()).publicKeyPath;
    // Two instances on one database, no Redis: spent challenges live in PostgreSQL.
    a = await startTestApp([key], { POW_DIFFICULTY: '8' });
    b = await startTestApp([key], { POW_DIFFICULTY: '8' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('refuses a missing, wrong or forged solution with 4xx and stores nothing', async () => {
    const before = await countTips();
    const missing = await request(a.server).post('/v1/tips').send(tip).expect(400);
    expect(missing.body.error.code).toBe('proof_of_work_required');
    const c = await challenge(a);
    expect(c.difficulty).toBe(8);
    let wrong = 0;
    while (solve(c.challenge, 8) === String(wrong)) wrong++;
    const bad = await request(a.server)
      .post('/v1/tips')
      .set('X-Tipline-Pow', `${c.challenge}:${wrong}x`)
      .send(tip)
      .expect(400);
    expect(bad.body.error.code).toBe('proof_of_work_invalid');
    const forged = await request(a.server)
      .post('/v1/tips')
      .set('X-Tipline-Pow', `AAAA.BBBB:1`)
      .send(tip)
      .expect(400);
    expect(forged.body.error.message).toContain('not issued by this service');
    expect(await countTips()).toBe(before);
  });

  it('accepts a solution once, on any instance', async () => {
    const c = await challenge(a);
    const header = `${c.challenge}:${solve(c.challenge, c.difficulty)}`;
    await request(a.server).post('/v1/tips').set('X-Tipline-Pow', header).send(tip).expect(201);
    const replayB = await request(b.server)
      .post('/v1/tips')
      .set('X-Tipline-Pow', header)
      .send(tip)
      .expect(409);
    expect(replayB.body.error.code).toBe('proof_of_work_replayed');
    await request(a.server).post('/v1/tips').set('X-Tipline-Pow', header).send(tip).expect(409);
  });

  it('guards follow-up messages too, and tipctl solves challenges', async () => {
    const res = await request(a.server)
      .post('/v1/follow-ups/messages')
      .send({ receipt: 'a b c d e f g h', body: 'x' })
      .expect(400);
    expect(res.body.error.code).toBe('proof_of_work_required');
    const c = await challenge(a);
    const solved = await tipctl(['pow', 'solve', c.challenge]);
    expect(solved.code).toBe(0);
    const header = solved.stdout.toString().trim();
    expect(header.startsWith(`${c.challenge}:`)).toBe(true);
    await request(a.server).post('/v1/tips').set('X-Tipline-Pow', header).send(tip).expect(201);
  });
});

describe('public rate limits', () => {
  let t: TestApp;
  let proxied: TestApp;

  beforeAll(async () => {
    const key = (await makeTestKey()).publicKeyPath;
    t = await startTestApp([key], { PUBLIC_RATE_LIMIT: '5' });
    proxied = await startTestApp([key], {
      PUBLIC_RATE_LIMIT: '5',
      TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxied?.close();
  });

  it('answers 429 with an integer Retry-After, and X-Forwarded-For from anyone does not reset it', async () => {
    for (let i = 0; i < 5; i++) {
      await request(t.server)
        .get('/v1/intake-keys')
        .set('X-Forwarded-For', `198.51.100.${i}`)
        .expect(200);
    }
    const limited = await request(t.server)
      .get('/v1/intake-keys')
      .set('X-Forwarded-For', '198.51.100.99')
      .expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('honours X-Forwarded-For from a trusted proxy (one bucket per client)', async () => {
    for (let i = 0; i < 5; i++) {
      await request(proxied.server)
        .get('/v1/intake-keys')
        .set('X-Forwarded-For', '198.51.100.1')
        .expect(200);
    }
    await request(proxied.server)
      .get('/v1/intake-keys')
      .set('X-Forwarded-For', '198.51.100.1')
      .expect(429);
    await request(proxied.server)
      .get('/v1/intake-keys')
      .set('X-Forwarded-For', '198.51.100.2')
      .expect(200);
  });
});
