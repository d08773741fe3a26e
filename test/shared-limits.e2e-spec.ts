import request from 'supertest';
import { PartnerApiKeysService } from '../src/partners/partner-api-keys.service.js';
import { PartnersService } from '../src/partners/partners.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { uniqueName } from './support/staff.js';

const redisUrl = process.env.REDIS_URL;
const withRedis = redisUrl ? describe : describe.skip;

/** Two instances, one Redis: a partner's per-minute limit is one limit, not one per instance. */
withRedis('rate limits shared through REDIS_URL', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const key = (await makeTestKey()).publicKeyPath;
    a = await startTestApp([key], { REDIS_URL: redisUrl! });
    b = await startTestApp([key], { REDIS_URL: redisUrl! });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts requests made to either instance against the same limit', async () => {
    const partners = a.app.get(PartnersService);
    const partner = await partners.create(
      { name: uniqueName('shared'), requestsPerMinute: 3 },
      { actor: null, ip: null },
    );
    const { token } = await a.app
      .get(PartnerApiKeysService)
      .createKey(partner.id, { scopes: ['tips:read'] }, { actor: null, ip: null });
    const get = (t: TestApp) =>
      request(t.server).get('/v1/partner/usage').set('Authorization', `Bearer ${token}`);
    await get(a).expect(200);
    await get(b).expect(200);
    await get(a).expect(200);
    const limited = await get(b).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const usage = await get(a).expect(429);
    expect(usage.headers.ratelimit).toMatch(/^"per-key";r=0;t=\d+$/);
  });
});
