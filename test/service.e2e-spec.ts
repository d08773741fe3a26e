import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { generateKeyPair } from '../src/crypto/openpgp.js';
import { expiredPublicKey, privateKeyArmored } from './support/key-fixtures.js';
import { testDatabaseUrl } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { cleanEnv, MAIN, run, startService, tipctl } from './support/processes.js';

const SECRET = 'service-test-secret-0123456789abcdef0123';

function startMain(env: Record<string, string>) {
  return run(process.execPath, [MAIN], { env: cleanEnv(env), timeoutMs: 30_000 });
}

/** Plain HTTP, so the test controls every header (User-Agent, X-Forwarded-For). */
function post(url: string, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      new URL(path, url),
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Log lines at warn or above (JSON form: the output is a pipe), as `level: msg`. */
function warnings(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: string; msg: string })
    .filter((l) => ['warn', 'error', 'fatal'].includes(l.level))
    .map((l) => `${l.level}: ${l.msg}`);
}

/** The clean-shutdown contract: exit 0, one "stopped in N ms" line, no warning or error. */
function expectCleanStop(code: number | null, output: string): void {
  expect(warnings(output)).toEqual([]);
  expect(output.match(/"msg":"stopped in \d+ ms"/g)).toHaveLength(1);
  expect(code).toBe(0);
}

describe('the service process', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tipline-service-'));
    // Run as root, the embedded PostgreSQL runs as "postgres", which must be able to enter it.
    await chmod(dir, 0o711);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('refuses to start in production with unsafe settings', () => {
    const production = () => ({
      NODE_ENV: 'production',
      DATABASE_URL: testDatabaseUrl(),
      SERVER_SECRET: SECRET,
      DATA_DIR: join(dir, 'prod'),
    });

    it('without intake keys', async () => {
      const res = await startMain(production());
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('INTAKE_PUBLIC_KEYS is required in production');
    });

    it('with a development key', async () => {
      const dev = await generateKeyPair({
        name: 'Tipline development key',
        email: 'dev-key@tipline.invalid',
      });
      const path = join(dir, 'dev-public.asc');
      await writeFile(path, dev.publicKey);
      const res = await startMain({ ...production(), INTAKE_PUBLIC_KEYS: path });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('is a Tipline development key');
    });

    it('with an expired key or a private key, naming the file only', async () => {
      const expired = join(dir, 'expired.asc');
      await writeFile(expired, await expiredPublicKey());
      const expiredRun = await startMain({ ...production(), INTAKE_PUBLIC_KEYS: expired });
      expect(expiredRun.code).toBe(1);
      expect(expiredRun.stderr).toContain(`${expired}: key`);
      expect(expiredRun.stderr).toContain('expired on');

      const privatePath = join(dir, 'private.asc');
      await writeFile(privatePath, await privateKeyArmored());
      const privateRun = await startMain({ ...production(), INTAKE_PUBLIC_KEYS: privatePath });
      expect(privateRun.code).toBe(1);
      expect(privateRun.stderr).toContain('is a PRIVATE key');
      expect(privateRun.stderr).not.toContain('BEGIN PGP');
    });

    it('without a server secret, never printing a bad value', async () => {
      const res = await startMain({
        ...production(),
        SERVER_SECRET: 'CANARY-short',
        DATABASE_URL: 'mysql://root:CANARY-pw@db/x',
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('SERVER_SECRET must be at least 32 characters long');
      expect(res.stderr).toContain('DATABASE_URL must be a postgres');
      expect(res.stderr).not.toContain('CANARY');
    });
  });

  it('starts on the embedded PostgreSQL with a dev key, takes a tip, keeps it across a restart, and logs no submitted data', async () => {
    const dataDir = join(dir, 'laptop');
    const env = { DATA_DIR: dataDir };
    const canary = 'CANARY-service-3c5e';
    const service = await startService(env);
    let reference: string;
    let stopCode: number | null;
    try {
      expect(service.output()).toContain('DEVELOPMENT INTAKE KEY IN USE');
      expect(service.output()).toContain(join(dataDir, 'dev-keys', 'intake-private.asc'));
      expect(service.output()).toContain('embedded PostgreSQL 17');
      process.stderr.write(
        `cold start to listening (first run, initdb included): ${service.readyMs} ms\n`,
      );

      const ready = await fetch(new URL('/health/ready', service.url));
      expect(ready.status).toBe(200);

      const headers = {
        'user-agent': `${canary}-ua`,
        'x-forwarded-for': '203.0.113.77',
        referer: `https://${canary}.example/`,
      };
      const ok = await post(
        service.url,
        '/v1/tips',
        JSON.stringify({
          category: 'other',
          submitterUrgency: 'unknown',
          narrative: `${canary}-body`,
        }),
        headers,
      );
      expect(ok.status).toBe(201);
      reference = (JSON.parse(ok.body) as { reference: string }).reference;
      // Failing requests must not log what they carried either.
      expect(
        (await post(service.url, '/v1/tips', `{"narrative":"${canary}-bad`, headers)).status,
      ).toBe(400);
      expect((await post(service.url, `/v1/tips?q=${canary}`, '{}', headers)).status).toBe(400);
    } finally {
      stopCode = await service.stop();
    }
    // Background jobs (pg-boss) are on: they stop before the embedded database does.
    expectCleanStop(stopCode, service.output());
    expect(service.output()).not.toContain(canary);
    expect(service.output()).not.toContain('203.0.113.77');

    // A second start reuses the database and the dev key; the tip is still there.
    const again = await startService(env);
    try {
      expect(again.output()).not.toContain('initialising the embedded PostgreSQL');
      expect(again.output()).toContain('(generated on an earlier start)');
      // A summary, not Nest's route listing.
      expect(again.output()).toContain(`data in ${join(dataDir, 'pg')}`);
      expect(again.output()).toContain('proof of work: off');
      expect(again.output()).not.toContain('RouterExplorer');
      process.stderr.write(`warm start to listening: ${again.readyMs} ms\n`);
      const exported = await tipctl(['tips', 'payload', reference, '--armor'], env);
      expect(exported.code).toBe(0);
      const decrypted = await tipctl(
        ['decrypt', '--key', join(dataDir, 'dev-keys', 'intake-private.asc')],
        {},
        exported.stdout,
      );
      expect(decrypted.code).toBe(0);
      expect(JSON.parse(decrypted.stdout.toString()) as object).toMatchObject({
        reference,
        narrative: `${canary}-body`,
      });
    } finally {
      stopCode = await again.stop('SIGINT');
    }
    expectCleanStop(stopCode, again.output());
  });

  describe('on DATABASE_URL, with background jobs', () => {
    let env: Record<string, string>;
    beforeAll(async () => {
      const key = await makeTestKey();
      env = {
        DATABASE_URL: testDatabaseUrl(),
        SERVER_SECRET: SECRET,
        INTAKE_PUBLIC_KEYS: key.publicKeyPath,
        BACKGROUND_JOBS: 'true',
      };
    });

    it('names the database host without credentials, finishes a request in flight at SIGTERM, and stops cleanly', async () => {
      const service = await startService(env);
      const dbUrl = new URL(testDatabaseUrl());
      expect(service.output()).toContain(
        `database: ${dbUrl.hostname}:${dbUrl.port || '5432'}${dbUrl.pathname}`,
      );
      if (dbUrl.password) expect(service.output()).not.toContain(dbUrl.password);
      expect(service.output()).toContain(`intake keys: `);

      // A tip whose body is still arriving when SIGTERM comes: it is finished, not cut.
      const body = JSON.stringify({
        category: 'other',
        submitterUrgency: 'unknown',
        narrative: 'sent while the service stops',
      });
      const answer = new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          new URL('/v1/tips', service.url),
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        // The rest, once the service has begun to stop.
        const deadline = Date.now() + 10_000;
        const poll = setInterval(() => {
          if (service.output().includes('SIGTERM: stopping')) {
            clearInterval(poll);
            setTimeout(() => req.end(body.slice(10)), 300);
          } else if (Date.now() > deadline) {
            clearInterval(poll);
            req.destroy();
            reject(new Error('the service never said "SIGTERM: stopping" within 10 s'));
          }
        }, 20);
      });
      await new Promise((r) => setTimeout(r, 300));
      const code = await service.stop('SIGTERM');
      expect(await answer).toBe(201);
      expectCleanStop(code, service.output());
    });

    it('exits at once on a second Ctrl-C', async () => {
      const service = await startService(env);
      const exited = once(service.child, 'exit');
      service.child.kill('SIGINT');
      const deadline = Date.now() + 10_000;
      while (!service.output().includes('SIGINT: stopping')) {
        if (Date.now() > deadline) throw new Error('no "stopping" line within 10 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      const started = Date.now();
      service.child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(130);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(service.output()).toContain('SIGINT again: exiting at once');
    });
  });
});
