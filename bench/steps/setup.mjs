/** Setup: the intake key, a fresh database (embedded or on DATABASE_URL), the service. */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cpuDelta, cpuSnapshot, setPostgresPids } from '../lib/cpu.mjs';

export async function setup(ctx) {
  const {
    DIST,
    distUrl,
    CFG,
    pg,
    log,
    sleep,
    fmt,
    results,
    cleanups,
    ownSignals,
    tempDir,
    serviceEnv,
    startService,
    step,
    countTips,
    state,
  } = ctx;
  let pool, service, benchDbUrl, keyPath;
  return step('setup', async () => {
    await access(join(DIST, 'main.js')).catch(() => {
      throw new Error('dist/src/main.js not found: run `npm run build` first');
    });
    log(
      `mode ${CFG.mode}; ${results.machine.cpus} CPU(s) (${results.machine.cpuModel}); node ${process.version}`,
    );
    // Other work on this machine skews every number: measure it first.
    const a = cpuSnapshot();
    await sleep(1000);
    const quiet = cpuDelta(a, cpuSnapshot());
    if (quiet) {
      results.machine.busyBeforeStartCores = Math.round((quiet.ofCores - quiet.idle) * 100) / 100;
      if (quiet.ofCores - quiet.idle > 0.25) {
        const msg = `the machine was already busy before the run (${fmt(quiet.ofCores - quiet.idle, 2)} of ${quiet.ofCores} cores in use by other processes): numbers will be low`;
        log(`WARNING: ${msg}`);
        results.notes.push(`WARNING: ${msg}.`);
      }
    }
    const { generateKeyPair } = await import(distUrl('crypto/openpgp.js'));
    const work = await tempDir('keys');
    const kp = await generateKeyPair({ name: 'Tipline bench intake', profile: 'curve25519' });
    state.armoredPublicKey = kp.publicKey;
    state.keyPath = keyPath = join(work, 'intake-public.asc');
    await writeFile(keyPath, kp.publicKey, { mode: 0o644 });
    results.intakeKey = { fingerprint: kp.fingerprint, profile: 'curve25519 (v4)' };
    log(`intake key ${kp.fingerprint} written to ${keyPath}`);

    let serverUrl;
    if (process.env.DATABASE_URL) {
      serverUrl = process.env.DATABASE_URL;
      results.database = { kind: 'external (DATABASE_URL)' };
      log('using the PostgreSQL server of DATABASE_URL');
    } else {
      const dataDir = await tempDir('pg');
      const { startEmbeddedPostgres } = await import(distUrl('database/embedded-postgres.js'));
      const embedded = await startEmbeddedPostgres(dataDir, (line) => log(`  ${line}`));
      cleanups.push({ label: 'stop the embedded PostgreSQL', fn: () => embedded.stop() });
      ownSignals();
      serverUrl = embedded.url;
      results.database = { kind: 'embedded PostgreSQL (fsync on, synchronous_commit on)' };
    }
    const dbName = `tipline_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect().catch((err) => {
      throw new Error(
        `cannot connect to ${process.env.DATABASE_URL ? 'the PostgreSQL server of DATABASE_URL' : 'the embedded PostgreSQL'}: ${err.message}`,
      );
    });
    try {
      await admin.query(`CREATE DATABASE "${dbName}"`);
      results.database.version = (await admin.query('SHOW server_version')).rows[0].server_version;
    } finally {
      await admin.end();
    }
    cleanups.push({
      label: `drop database ${dbName}`,
      fn: async () => {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
          log(`dropped database ${dbName}`);
        } finally {
          await c.end();
        }
      },
    });
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    state.benchDbUrl = benchDbUrl = u.toString();
    results.database.name = dbName;
    log(`created database ${dbName} (PostgreSQL ${results.database.version})`);

    state.service = service = await startService({
      label: 'service',
      env: serviceEnv({ DATABASE_URL: benchDbUrl, INTAKE_PUBLIC_KEYS: keyPath }),
    });
    cleanups.push({ label: 'stop the service', fn: () => service.stop() });
    log(
      `service listening on ${service.url} (${fmt(service.readyMs)} ms after spawn, migrations included)`,
    );

    state.pool = pool = new pg.Pool({ connectionString: benchDbUrl, max: 2 });
    cleanups.push({ label: 'close the bench pool', fn: () => pool.end() });
    if (process.env.DATABASE_URL) {
      // A server the bench did not start: its processes are told apart by pg_stat_activity.
      state.refreshPostgresPids = async () => {
        const { rows } = await pool.query(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() OR backend_type <> 'client backend'`,
        );
        setPostgresPids(rows.map((r) => r.pid));
      };
    }
    const ready = await fetch(`${service.url}/health/ready`);
    if (ready.status !== 200)
      throw new Error(`/health/ready answered ${ready.status}: ${await ready.text()}`);
    const n = await countTips();
    if (n !== 0) throw new Error(`fresh database already holds ${n} tips`);
    return true;
  });
}
