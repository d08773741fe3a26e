import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { bearer, staffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

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

  it('shows the untriaged backlog per priority and the time to first triage', async () => {
    const scrape = async () => (await request(dev.server).get('/metrics').expect(200)).text;
    const value = (text: string, series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line === undefined) throw new Error(`no ${series}`);
      return Number(line.split(' ')[1]);
    };
    const before = await scrape();
    for (const p of ['P1', 'P2', 'P3', 'P4']) {
      expect(
        value(before, `tipline_untriaged_oldest_age_seconds{priority="${p}"}`),
      ).toBeGreaterThanOrEqual(0);
    }
    const waitingBefore = value(before, 'tipline_untriaged_tips{priority="P1"}');
    const tip = await submitTip(dev, {
      category: 'terrorism',
      submitterUrgency: 'immediate-danger',
      narrative: CANARY,
    });
    const during = await scrape();
    expect(value(during, 'tipline_untriaged_tips{priority="P1"}')).toBe(waitingBefore + 1);
    // Minute precision: the oldest P1 is at least as old as this one (0 to 60 s).
    expect(
      value(during, 'tipline_untriaged_oldest_age_seconds{priority="P1"}'),
    ).toBeGreaterThanOrEqual(0);

    const analyst = await staffLogin(dev, 'analyst');
    const id = (
      await request(dev.server)
        .get('/v1/triage/tips?status=new&priority=P1&limit=200')
        .set(...bearer(analyst))
        .expect(200)
    ).body.tips.find((t: { reference: string }) => t.reference === tip.reference).id as string;
    await request(dev.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 1, status: 'triaging', assigneeId: 'me' })
      .expect(200);
    const after = await scrape();
    expect(value(after, 'tipline_untriaged_tips{priority="P1"}')).toBe(waitingBefore);
    expect(value(after, 'tipline_time_to_first_triage_seconds_count{priority="P1"}')).toBe(1);
    expect(
      value(after, 'tipline_time_to_first_triage_seconds_bucket{le="300",priority="P1"}'),
    ).toBe(1);
    expect(after).not.toContain(CANARY);
    expect(after).not.toContain(tip.reference);
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
