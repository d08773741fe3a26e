import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';

const ORIGIN = 'https://tips.example.org';

describe('response headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath], { CORS_ORIGINS: ORIGIN });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['GET', '/v1/intake-keys', 200],
    ['GET', '/health/live', 200],
    ['POST', '/v1/tips', 400],
    ['GET', '/v1/triage/tips', 401],
    ['GET', '/nowhere', 404],
    ['DELETE', '/v1/tips', 404],
  ])('%s %s (%i) carries the security headers', async (method, path, status) => {
    const res = await request(t.server)[method.toLowerCase() as 'get'](path).expect(status);
    const maxAge = Number(
      /max-age=(\d+)/.exec(res.headers['strict-transport-security'] ?? '')?.[1],
    );
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
    expect(res.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    for (const absent of ['x-powered-by', 'etag', 'set-cookie', 'server'])
      expect(res.headers[absent]).toBeUndefined();
  });

  it('allows browsers only from configured origins', async () => {
    const allowed = await request(t.server)
      .options('/v1/tips')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-tipline-pow');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

    const other = await request(t.server)
      .get('/v1/intake-keys')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
