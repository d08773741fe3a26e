/**
 * Reads on a streaming replica: a primary and a hot standby of our own
 * (the machine's PostgreSQL refuses replication connections), started from
 * the PostgreSQL binaries in temporary directories on free ports.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { createLogger } from '../src/common/logging/logger.js';
import { loadConfig } from '../src/config/environment.js';
import { ReadDatabase } from '../src/database/read-database.js';
import { IntakeKeyRing } from '../src/intake-keys/intake-key-ring.js';
import { loadIntakeKeys } from '../src/intake-keys/load-intake-keys.js';
import { resolveServerSecret } from '../src/config/server-secret.js';
import { TEST_SERVER_SECRET, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

const exec = promisify(execFile);
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/** The newest /usr/lib/postgresql/<major>/bin that has every tool. */
function findBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (TOOLS.every((t) => existsSync(join(bin, t)))) return bin;
  }
  return undefined;
}

const BIN = findBinaries();
const AS_ROOT = userInfo().uid === 0;
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) =>
  existsSync(p),
);
if (BIN === undefined) {
  console.warn(
    `replica.e2e-spec skipped: no /usr/lib/postgresql/*/bin with ${TOOLS.join(', ')} (apt-get install postgresql)`,
  );
}
const describeWithBinaries = BIN === undefined ? describe.skip : describe;

/** A PostgreSQL tool, as the `postgres` user when we are root (the server refuses root). */
async function tool(name: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const command = join(BIN!, name);
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const [file, argv] = !AS_ROOT
    ? [command, args]
    : RUNUSER !== undefined
      ? [RUNUSER, ['-u', 'postgres', '--', command, ...args]]
      : ['su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args].map(quote).join(' ')]];
  try {
    const { stdout } = await exec(file, argv, { timeout: timeoutMs, cwd: tmpdir() });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('port')),
      );
    });
  });
}

async function sql<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Polls until `check` returns a value (not undefined), failing at the deadline. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Cluster {
  dir: string;
  port: number;
  url(database?: string): string;
}

function cluster(dir: string, port: number): Cluster {
  return {
    dir,
    port,
    url: (database = 'tipline') => `postgres://postgres@127.0.0.1:${port}/${database}`,
  };
}

async function startCluster(c: Cluster): Promise<void> {
  await tool('pg_ctl', ['-D', c.dir, '-l', `${c.dir}.log`, '-w', '-t', '60', 'start'], 90_000);
}

async function stopCluster(c: Cluster, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  await tool('pg_ctl', ['-D', c.dir, '-m', mode, '-w', '-t', '30', 'stop'], 45_000);
}

describeWithBinaries('reads on a streaming replica', () => {
  let base: string;
  let primary: Cluster;
  let standby: Cluster;
  let standbyRunning = false;
  let primaryRunning = false;
  let t: TestApp | undefined;
  let lead: StaffLogin;
  let auditor: StaffLogin;
  const logLines: string[] = [];

  const submit = async (narrative: string): Promise<string> =>
    (await submitTip(t!, { category: 'cyber', submitterUrgency: 'days', narrative })).reference;

  const queue = async (): Promise<Array<{ id: string; reference: string; version: number }>> => {
    const res = await request(t!.server)
      .get('/v1/triage/tips?limit=200')
      .set(...bearer(lead))
      .expect(200);
    return (res.body as { tips: Array<{ id: string; reference: string; version: number }> }).tips;
  };

  const ready = async (): Promise<{
    status: number;
    replica?: { state: string; lagSeconds?: number; lagBytes?: number };
  }> => {
    const res = await request(t!.server).get('/health/ready');
    return {
      status: res.status,
      replica: (res.body as { checks?: { replica: { state: string } } }).checks?.replica,
    };
  };

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'tipline-replica-'));
    if (AS_ROOT) {
      const { stdout } = await exec('id', ['-u', 'postgres']);
      const { stdout: gid } = await exec('id', ['-g', 'postgres']);
      await chown(base, Number(stdout.trim()), Number(gid.trim()));
      await chmod(base, 0o700);
    }
    primary = cluster(join(base, 'primary'), await freePort());
    standby = cluster(join(base, 'standby'), await freePort());

    await tool('initdb', [
      '-D',
      primary.dir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    const conf = (port: number): string =>
      [
        '',
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        'wal_level = replica',
        'max_wal_senders = 5',
        'hot_standby = on',
        'max_connections = 50',
        '',
      ].join('\n');
    await appendFile(join(primary.dir, 'postgresql.conf'), conf(primary.port));
    await appendFile(
      join(primary.dir, 'pg_hba.conf'),
      '\nhost replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n',
    );
    await startCluster(primary);
    primaryRunning = true;
    await sql(primary.url('postgres'), 'CREATE DATABASE tipline');

    await tool('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      standby.dir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]);
    // The copy carries the primary's settings; only the port differs.
    await appendFile(join(standby.dir, 'postgresql.conf'), `\nport = ${standby.port}\n`);
    await startCluster(standby);
    standbyRunning = true;
    await until('the standby to be in recovery', async () => {
      const [row] = await sql<{ r: boolean }>(standby.url(), 'SELECT pg_is_in_recovery() AS r');
      return row?.r === true ? true : undefined;
    });

    const key = await makeTestKey();
    const capture = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: primary.url(),
      DATABASE_READ_URL: standby.url(),
      DATA_DIR: join(base, 'data'),
      INTAKE_PUBLIC_KEYS: key.publicKeyPath,
      SERVER_SECRET: TEST_SERVER_SECRET,
      PUBLIC_RATE_LIMIT: '1000000',
      BACKGROUND_JOBS: 'false',
      DATABASE_POOL_SIZE: '4',
    });
    const { keys } = await loadIntakeKeys(config);
    const app = await createApp({
      config,
      databaseUrl: primary.url(),
      keyRing: new IntakeKeyRing(keys),
      serverSecret: await resolveServerSecret(config),
      logger: createLogger('info', capture),
    });
    await app.getHttpAdapter().getInstance().ready();
    t = {
      app,
      keyRing: new IntakeKeyRing(keys),
      server: app.getHttpServer(),
      close: () => app.close(),
    };
    // Staff logins write (sessions, audit): the primary. The standby catches up on its own.
    lead = await staffLogin(t, 'lead');
    auditor = await staffLogin(t, 'auditor');
  }, 240_000);

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    if (standbyRunning) await stopCluster(standby, 'immediate').catch(() => undefined);
    if (primaryRunning) await stopCluster(primary, 'immediate').catch(() => undefined);
    if (base) await rm(base, { recursive: true, force: true });
  }, 120_000);

  it('serves the queue, tip metadata and the audit listing from the standby; writes go to the primary', async () => {
    const first = await submit('seen on both');
    const listed = await until('the first tip on the standby', async () =>
      (await queue()).find((x) => x.reference === first),
    );
    expect(listed.version).toBe(1);

    // The service's read pool is connected to the standby.
    const sessions = await sql<{ n: string }>(
      standby.url(),
      "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'tipline-read'",
    );
    expect(Number(sessions[0]!.n)).toBeGreaterThan(0);

    // Freeze the standby: from now on it shows an older state than the primary.
    await sql(standby.url(), 'SELECT pg_wal_replay_pause()');
    await until('replay to be paused', async () => {
      const [row] = await sql<{ s: string }>(
        standby.url(),
        'SELECT pg_get_wal_replay_pause_state() AS s',
      );
      return row?.s === 'paused' ? true : undefined;
    });

    const second = await submit('only on the primary for now');
    const [onPrimary] = await sql<{ id: string }>(
      primary.url(),
      'SELECT id FROM tip WHERE reference = $1',
      [second],
    );
    expect(onPrimary).toBeDefined();
    expect((await queue()).map((x) => x.reference)).not.toContain(second);
    // A tip's own page reads the primary: its version feeds the next PATCH.
    await request(t!.server)
      .get(`/v1/triage/tips/${onPrimary!.id}`)
      .set(...bearer(lead))
      .expect(200);

    // The read side refuses writes (the standby, and a read-only session anyway)...
    await expect(
      t!.app
        .get(ReadDatabase)
        .run((db) => db.query("UPDATE tip SET tags = '{}' WHERE id = $1", [listed.id])),
    ).rejects.toThrow(/read-only/);
    // ...so a write and its response go to the primary.
    const patched = await request(t!.server)
      .patch(`/v1/triage/tips/${listed.id}`)
      .set(...bearer(lead))
      .send({ version: 1, status: 'triaging' })
      .expect(200);
    expect(patched.body).toMatchObject({ status: 'triaging', version: 2 });
    expect((await queue()).find((x) => x.id === listed.id)?.version).toBe(1);
    const reloaded = await request(t!.server)
      .get(`/v1/triage/tips/${listed.id}`)
      .set(...bearer(lead))
      .expect(200);
    expect(reloaded.body.version).toBe(2);
    const audit = async (): Promise<unknown[]> =>
      (
        await request(t!.server)
          .get(`/v1/audit/events?action=tip.updated&targetId=${listed.id}`)
          .set(...bearer(auditor))
          .expect(200)
      ).body.events as unknown[];
    expect(await audit()).toHaveLength(0);

    // Readiness shows the standby trailing.
    const lagging = await ready();
    expect(lagging.status).toBe(200);
    expect(lagging.replica?.state).toBe('up');
    expect(lagging.replica?.lagBytes).toBeGreaterThan(0);
    expect(lagging.replica?.lagSeconds).toBeGreaterThan(0);

    await sql(standby.url(), 'SELECT pg_wal_replay_resume()');
    await until('the standby to catch up', async () => {
      const tips = await queue();
      return tips.some((x) => x.reference === second) &&
        tips.find((x) => x.id === listed.id)?.version === 2
        ? true
        : undefined;
    });
    await until('the audit event on the standby', async () =>
      (await audit()).length === 1 ? true : undefined,
    );
    const caughtUp = await until('zero lag', async () => {
      const r = await ready();
      return r.replica?.lagBytes === 0 ? r : undefined;
    });
    expect(caughtUp.replica).toMatchObject({ state: 'up', lagSeconds: 0, lagBytes: 0 });
  });

  it('stays up on the primary when the standby stops, and goes back when it returns', async () => {
    await stopCluster(standby, 'fast');
    standbyRunning = false;

    const third = await submit('while the standby is down');
    // Served by the primary: the newest tip is there at once.
    expect((await queue()).map((x) => x.reference)).toContain(third);
    expect(logLines.some((l) => l.includes('read replica failed: reads go to the primary'))).toBe(
      true,
    );
    const down = await ready();
    expect(down.status).toBe(200);
    expect(down.replica).toEqual({ state: 'down' });

    await startCluster(standby);
    standbyRunning = true;
    await until(
      'reads back on the standby',
      async () => ((await ready()).replica?.state === 'up' ? true : undefined),
      30_000,
    );
    expect(logLines.some((l) => l.includes('read replica answers again'))).toBe(true);

    // Back on the standby: a paused replay hides a new tip again.
    await until('the standby to catch up after restart', async () =>
      (await queue()).some((x) => x.reference === third) ? true : undefined,
    );
    await sql(standby.url(), 'SELECT pg_wal_replay_pause()');
    await until('replay to be paused', async () => {
      const [row] = await sql<{ s: string }>(
        standby.url(),
        'SELECT pg_get_wal_replay_pause_state() AS s',
      );
      return row?.s === 'paused' ? true : undefined;
    });
    const fourth = await submit('after the standby came back');
    expect((await queue()).map((x) => x.reference)).not.toContain(fourth);
    await sql(standby.url(), 'SELECT pg_wal_replay_resume()');
  });
});
