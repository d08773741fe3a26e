import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';

const CANARY = 'CANARY-metrics-5f';
const TOKEN = 'metrics-token-0123456789abcdef';

describe('GET /metrics', () => {
  let dev: TestApp;
  let prod: TestApp;
  let prodNoToken: TestApp;

  beforeAll(async () => {
    const key = (await makeTestKey()).publicKeyPath;
    dev = await startTestApp([key]);
    prod = await startTestApp([key], {
      NODE_ENV: 'production',
      METRICS_TOKEN: TOKEN,
      POW_DIFFICULTY: '0',
    });
    prodNoToken = await startTestApp([key], { NODE_ENV: 'production', POW_DIFFICULTY: '0' });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
    await prodNoToken?.close();
  });

  it('counts requests, tips, encryption and the pool, and leaks nothing submitted', async () => {
    const res = await request(dev.server)
      .post(`/v1/tips?x=${CANARY}`)
      .set('User-Agent', CANARY)
      .send({ category: 'espionage', submitterUrgency: 'days', narrative: CANARY, contact: CANARY })
      .expect(201);
    await request(dev.server)
      .post('/v1/follow-ups/status')
      .send({ receipt: `${CANARY} a b c d e f g` })
      .expect(404);
    const text = (
      await request(dev.server)
        .get('/metrics')
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;

    expect(text).toMatch(
      /tipline_http_requests_total\{method="POST",route="\/v1\/tips",status="201"\} 1/,
    );
    expect(text).toMatch(
      /tipline_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/v1\/tips",status="201"\}/,
    );
    expect(text).toMatch(/tipline_tips_accepted_total\{channel="public",category="espionage"\} 1/);
    expect(text).toMatch(/tipline_encryption_duration_seconds_count [1-9]/);
    expect(text).toMatch(/tipline_db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/tipline_process_resident_memory_bytes \d+/);
    for (const secret of [
      CANARY,
      res.body.receipt as string,
      res.body.reference as string,
      '127.0.0.1',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('needs the token in production, and is absent there without one', async () => {
    await request(prod.server).get('/metrics').expect(401);
    await request(prod.server)
      .get('/metrics')
      .set('Authorization', 'Bearer wrong-token-0123456789abcdef')
      .expect(401);
    await request(prod.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    await request(prodNoToken.server).get('/metrics').expect(404);
  });
});
