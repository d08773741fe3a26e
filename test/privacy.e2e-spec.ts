import { request as httpRequest } from 'node:http';
import { dumpDatabase, leakForms } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import {
  settledOutput,
  startService,
  testServiceEnv,
  type RunningService,
} from './support/processes.js';

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
    service = await startService(
      testServiceEnv(key.publicKeyPath, {
        LOG_LEVEL: 'trace',
        LOG_FORMAT: format,
        BACKGROUND_JOBS: 'false',
        SITE_MIN_SECONDS: '0',
      }),
    );
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

    const output = await settledOutput(service);
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
  it('keeps nothing of page views and form posts on the public site either', async () => {
    const form = (fields: Record<string, string>, file?: { name: string; data: string }) => {
      const boundary = `----tipline${CANARY}`;
      const parts = Object.entries(fields).map(
        ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      );
      if (file) {
        parts.push(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name}"\r\n` +
            `Content-Type: text/plain\r\n\r\n${file.data}\r\n`,
        );
      }
      return {
        body: `${parts.join('')}--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      };
    };
    const token = (html: string) => /name="token" value="([^"]+)"/.exec(html)![1]!;

    const page = await send(service.url, { method: 'GET', path: `/?lang=en&q=${CANARY}-query` });
    expect(page.status).toBe(200);
    const tip = await send(service.url, {
      method: 'POST',
      path: `/?q=${CANARY}-query`,
      ...form(
        {
          lang: 'en',
          token: token(page.body),
          category: 'cyber',
          submitterUrgency: 'days',
          narrative: `${CANARY}-site-narrative`,
          contact: `${CANARY}-site-contact`,
          allowReplies: 'yes',
        },
        { name: `${CANARY}-file.txt`, data: `${CANARY}-file-content` },
      ),
    });
    expect(tip.status).toBe(201);
    const receipt = /class="receipt"[^>]*>([^<]+)</.exec(tip.body)![1]!.trim();
    expect(receipt.split(' ')).toHaveLength(8);
    const wrong = await send(service.url, {
      method: 'POST',
      path: '/receipt',
      ...form({ lang: 'en', reference: 'TIP-X', receipt, seal: 'x', word: `${CANARY}-word` }),
    });
    expect(wrong.status).toBe(400);
    const thread = await send(service.url, {
      method: 'POST',
      path: '/follow-up',
      ...form({ lang: 'en', receipt }),
    });
    expect(thread.status).toBe(200);
    const message = await send(service.url, {
      method: 'POST',
      path: '/follow-up/message',
      ...form({ lang: 'en', receipt, token: token(thread.body), body: `${CANARY}-site-message` }),
    });
    expect(message.status).toBe(201);
    const unknown = await send(service.url, {
      method: 'POST',
      path: '/follow-up',
      ...form({ lang: 'en', receipt: `${CANARY} a b c d e f g` }),
    });
    expect(unknown.status).toBe(404);
    for (const path of ['/follow-up', '/protect', `/assets/${CANARY}.css`]) {
      await send(service.url, { method: 'GET', path });
    }

    const metrics = await send(service.url, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    const output = await settledOutput(service);
    expect(output).toContain('"route":"/follow-up/message"');
    const dump = await dumpDatabase();
    for (const secret of [CANARY, SOURCE, '203.0.113.66', receipt]) {
      for (const leak of leakForms(secret)) {
        expect(output).not.toContain(leak);
        expect(dump.text).not.toContain(leak);
        expect(metrics.body).not.toContain(leak);
      }
    }
  });
});
