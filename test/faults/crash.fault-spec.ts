import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { decryptMessage } from '../../src/crypto/openpgp.js';
import {
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from '../../src/database/embedded-postgres.js';
import { testDatabaseUrl, TEST_SERVER_SECRET } from '../support/app.js';
import { makeTestKey, type TestKey } from '../support/keys.js';
import { startService, type RunningService } from '../support/processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Acked {
  reference: string;
  narrative: string;
}

async function postTip(
  url: string,
  narrative: string,
  files = 0,
): Promise<{ status: number; reference?: string }> {
  let res: Response;
  if (files === 0) {
    res = await fetch(new URL('/v1/tips', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative }),
      signal: AbortSignal.timeout(15_000),
    });
  } else {
    const form = new FormData();
    form.set('tip', JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative }));
    for (let i = 0; i < files; i++)
      form.append('file', new Blob([randomBytes(200 * 1024)]), `f${i}.bin`);
    res = await fetch(new URL('/v1/tips', url), {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(15_000),
    });
  }
  const body = (await res.json().catch(() => ({}))) as { reference?: string };
  return { status: res.status, reference: body.reference };
}

/** Submits until stopped; records every 201 and every other status. */
function load(
  url: () => string,
  workers: number,
  acked: Acked[],
  statuses: number[],
  withFiles = true,
) {
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async (_, w) => {
    while (running) {
      const narrative = `fault-${w}-${n++}-${randomBytes(4).toString('hex')}`;
      try {
        const res = await postTip(url(), narrative, withFiles && w === 0 ? 2 : 0);
        statuses.push(res.status);
        if (res.status === 201 && res.reference)
          acked.push({ reference: res.reference, narrative });
      } catch {
        statuses.push(0); // connection refused or reset: no answer, no promise made
        await sleep(50);
      }
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

async function verify(databaseUrl: string, key: TestKey, acked: Acked[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    expect(new Set(acked.map((a) => a.reference)).size).toBe(acked.length);
    for (const a of acked) {
      const r = await client.query<{ payload: Buffer }>(
        'SELECT payload FROM tip WHERE reference = $1',
        [a.reference],
      );
      expect(r.rows).toHaveLength(1);
      const content = JSON.parse(
        Buffer.from(await decryptMessage(r.rows[0]!.payload, key.privateKey)).toString(),
      ) as {
        narrative: string;
      };
      expect(content.narrative).toBe(a.narrative);
    }
    // No half-written rows: every tip has all the files it counts, every file all its chunks.
    const torn = await client.query(
      `SELECT t.id FROM tip t
        WHERE t.attachment_count <> (SELECT count(*) FROM attachment a WHERE a.tip_id = t.id)
       UNION ALL
       SELECT a.id FROM attachment a
        WHERE a.chunk_count <> (SELECT count(*) FROM attachment_chunk c WHERE c.attachment_id = a.id)`,
    );
    expect(torn.rows).toEqual([]);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('crash safety', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await makeTestKey();
  });

  const serviceEnv = (databaseUrl: string) => ({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SERVER_SECRET: TEST_SERVER_SECRET,
    INTAKE_PUBLIC_KEYS: key.publicKeyPath,
    BACKGROUND_JOBS: 'false',
    PUBLIC_RATE_LIMIT: '10000000',
    LOG_LEVEL: 'warn',
  });

  it('kill -9 under load: every 201 survives, decrypts, once; nothing half-written', async () => {
    let service: RunningService = await startService({
      ...serviceEnv(testDatabaseUrl()),
      LOG_LEVEL: 'info',
    });
    const acked: Acked[] = [];
    const statuses: number[] = [];
    const stop = load(() => service.url, 6, acked, statuses);
    await sleep(2000);
    service.child.kill('SIGKILL');
    await stop();
    const before = acked.length;
    expect(before).toBeGreaterThan(10);
    service = await startService({ ...serviceEnv(testDatabaseUrl()), LOG_LEVEL: 'info' });
    try {
      expect((await postTip(service.url, 'after the crash')).status).toBe(201);
      await verify(testDatabaseUrl(), key, acked);
      process.stderr.write(
        `kill -9: ${before} acknowledged tips before the kill, all present and decrypting\n`,
      );
    } finally {
      await service.stop();
    }
  });

  it('PostgreSQL restart under load: 503 while it is down, never a 201 it did not commit, recovers alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tipline-fault-pg-'));
    await chmod(dir, 0o711);
    const port = await freePort();
    let db: EmbeddedDatabase = await startEmbeddedPostgres(dir, () => undefined, port);
    const service = await startService({ ...serviceEnv(db.url), LOG_LEVEL: 'info' });
    const acked: Acked[] = [];
    const statuses: number[] = [];
    try {
      // Worker 0 uploads files: uploads refused mid-stream must not poison connections.
      const stop = load(() => service.url, 4, acked, statuses);
      await sleep(1000);
      await db.stop();
      await sleep(500);
      const ready = await fetch(new URL('/health/ready', service.url), {
        signal: AbortSignal.timeout(10_000),
      });
      expect(ready.status).toBe(503);
      const during = await postTip(service.url, 'while the database is down');
      expect(during.status).toBe(503);
      await sleep(1000);
      db = await startEmbeddedPostgres(dir, () => undefined, port);
      const deadline = Date.now() + 20_000;
      while (
        (
          await fetch(new URL('/health/ready', service.url), {
            signal: AbortSignal.timeout(5_000),
          }).catch(() => ({ status: 0 }))
        ).status !== 200
      ) {
        if (Date.now() > deadline) throw new Error('the service did not recover within 20 s');
        await sleep(200);
      }
      await sleep(500);
      await stop();
      expect((await postTip(service.url, 'after the restart')).status).toBe(201);
      const unexpected = statuses.filter((s) => ![201, 503, 0].includes(s));
      if (unexpected.length > 0) {
        // What the service logged of them (error class and stack frames, never data).
        const errors = service
          .output()
          .split('\n')
          .filter((line) => /"level":"error"|unhandled/.test(line));
        process.stderr.write(`service errors during the restart:\n${errors.join('\n')}\n`);
      }
      expect(unexpected).toEqual([]);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      await verify(db.url, key, acked);
      process.stderr.write(
        `PostgreSQL restart: ${acked.length} acknowledged, ${statuses.filter((s) => s === 503).length} answered 503, all acknowledged present\n`,
      );
    } finally {
      await service.stop();
      await db.stop();
    }
  });

  it('the database this suite ran on flushes commits (fsync, synchronous_commit)', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const fsync = (await client.query('SHOW fsync')).rows[0].fsync;
    const sync = (await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit;
    await client.end();
    expect(fsync).toBe('on');
    expect(['on', 'remote_apply', 'remote_write']).toContain(sync);
  });
});
