import request from 'supertest';
import { connect } from 'node:net';
import { listenOnLoopback, portOf, startTestApp, type TestApp } from './support/app.js';
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

  it.each(['*', '*v1/tips', '/v1/%E0%A4%A', `/v1/triage/tips/${'a'.repeat(600)}`])(
    'a target the router or the adapter answers itself (%s) carries them too',
    async (target) => {
      await listenOnLoopback(t);
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(portOf(t), '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          if (text.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase());
          }
        });
        socket.on('error', reject);
        socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
      expect(head).toMatch(/^http\/1\.1 4\d\d /);
      expect(head).toContain("content-security-policy: default-src 'none';frame-ancestors 'none'");
      expect(head).toContain('strict-transport-security: max-age=63072000; includesubdomains');
      expect(head).toContain('x-content-type-options: nosniff');
      expect(head).toContain('cross-origin-resource-policy: same-origin');
    },
  );

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
