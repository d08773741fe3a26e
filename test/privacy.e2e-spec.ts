import { request as httpRequest } from 'node:http';
import { testDatabaseUrl, TEST_SERVER_SECRET } from './support/app.js';
import { dumpDatabase, leakForms } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { startService, type RunningService } from './support/processes.js';

const CANARY = 'CANARY-privacy-9b7e';
/** A distinctive loopback address the requests come from. */
const SOURCE = '127.0.0.77';

function send(
  url: string,
  options: { method: string; path: string; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        localAddress: SOURCE,
        method: options.method,
        path: options.path,
        headers: {
          'user-agent': `${CANARY}-ua`,
          'x-forwarded-for': `203.0.113.66, ${CANARY}-xff`,
          referer: `https://${CANARY}.example/ref`,
          'content-type': 'application/json',
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Threat model 3: canaries in the body, User-Agent, X-Forwarded-For, Referer
 * and query, sent from a distinctive address, appear nowhere in the database
 * or in anything the process wrote, at the most verbose log level. (Staff
 * routes are different: staff are not anonymous and their logins are audited
 * with their address.)
 */
/** Both log forms: JSON (production, pipes) and the readable one (a terminal in development). */
describe.each(['json', 'pretty'] as const)('submitters leave no trace (%s logs)', (format) => {
  let service: RunningService;

  beforeAll(async () => {
    const key = await makeTestKey();
    service = await startService({
      NODE_ENV: 'test',
      DATABASE_URL: testDatabaseUrl(),
      SERVER_SECRET: TEST_SERVER_SECRET,
      INTAKE_PUBLIC_KEYS: key.publicKeyPath,
      LOG_LEVEL: 'trace',
      LOG_FORMAT: format,
      BACKGROUND_JOBS: 'false',
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('keeps no address, user agent, referrer, body or query in logs or database', async () => {
    const tip = JSON.stringify({
      category: 'cyber',
      submitterUrgency: 'days',
      narrative: `${CANARY}-body`,
      contact: `${CANARY}-contact`,
    });
    const ok = await send(service.url, {
      method: 'POST',
      path: `/v1/tips?q=${CANARY}-query`,
      body: tip,
    });
    expect(ok.status).toBe(201);
    const { receipt } = JSON.parse(ok.body) as { receipt: string };
    expect(
      (
        await send(service.url, {
          method: 'POST',
          path: '/v1/tips',
          body: `{"narrative":"${CANARY}-bad`,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await send(service.url, {
          method: 'POST',
          path: '/v1/tips',
          body: JSON.stringify({ narrative: CANARY, nope: CANARY }),
        })
      ).status,
    ).toBe(400);
    expect((await send(service.url, { method: 'GET', path: `/v1/${CANARY}-path` })).status).toBe(
      404,
    );
    expect(
      (
        await send(service.url, {
          method: 'POST',
          path: '/v1/follow-ups/status',
          body: JSON.stringify({ receipt: `${CANARY} a b c d e f g` }),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await send(service.url, {
          method: 'POST',
          path: '/v1/follow-ups/messages',
          body: JSON.stringify({ receipt, body: `${CANARY}-message` }),
        })
      ).status,
    ).toBe(201);

    const output = service.output();
    // The request log works, and is the allow-list it claims to be.
    expect(output).toContain('"route":"/v1/tips"');
    expect(output).toContain('"status":201');
    // And is in the form asked for.
    if (format === 'pretty') {
      expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{/m);
      expect(output).not.toContain('"level":');
    } else {
      expect(output).toContain('"level":"info"');
    }
    const dump = await dumpDatabase();
    for (const secret of [CANARY, SOURCE, '203.0.113.66', receipt]) {
      for (const form of leakForms(secret)) {
        expect(output).not.toContain(form);
        expect(dump.text).not.toContain(form);
      }
    }
  });
});
