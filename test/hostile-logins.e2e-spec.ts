import { request as httpRequest } from 'node:http';
import { listenOnLoopback, portOf, startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { STRONG_PASSWORD, staffLogin, type StaffLogin } from './support/staff.js';

/** A request from a chosen loopback address, so that sources differ as they would in the field. */
function from(
  source: string,
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: source,
        headers: payload ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('login lockout is not a weapon; health probes have their own limit', () => {
  let t: TestApp;
  let analyst: StaffLogin;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath], {
      PUBLIC_RATE_LIMIT: '20',
      HEALTH_RATE_LIMIT: '70',
    });
    analyst = await staffLogin(t, 'analyst');
    await listenOnLoopback(t);
    port = portOf(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an attacker elsewhere cannot lock an analyst out, and is slowed down', async () => {
    const attacker = '127.0.0.66';
    const guess = { username: analyst.username, password: 'wrong-password-guess', totp: '000000' };
    for (let i = 0; i < 5; i++) {
      expect((await from(attacker, port, 'POST', '/v1/auth/sessions', guess)).status).toBe(401);
    }
    const slowed = await from(attacker, port, 'POST', '/v1/auth/sessions', guess);
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(slowed.body).error.code).toBe('rate_limited');

    // The analyst, from their own address, logs in at once.
    const own = await from('127.0.0.1', port, 'POST', '/v1/auth/sessions', {
      username: analyst.username,
      password: STRONG_PASSWORD,
      totp: analyst.code(1),
    });
    expect(own.status).toBe(201);
    // The attacker is still slowed down after the analyst's success.
    expect((await from(attacker, port, 'POST', '/v1/auth/sessions', guess)).status).toBe(429);
  });

  it('exempts /health/* from the public per-address limit (PUBLIC_RATE_LIMIT=20)', async () => {
    const probe = '127.0.0.88';
    for (let i = 0; i < 60; i++) {
      expect((await from(probe, port, 'GET', '/health/live')).status).toBe(200);
    }
    expect((await from(probe, port, 'GET', '/health/ready')).status).toBe(200);
    // The general limit still holds on other public routes for that address.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await from(probe, port, 'GET', '/v1/challenges')).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    // The probes' own limit (HEALTH_RATE_LIMIT=70 here; 61 used above) holds too.
    for (let i = 0; i < 9; i++) {
      expect((await from(probe, port, 'GET', '/health/live')).status).toBe(200);
    }
    const over = await from(probe, port, 'GET', '/health/live');
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body).error.code).toBe('rate_limited');
  });
});
