// Smoke run of the built service on whatever `node` runs this script (CI runs
// it on Node 26 as well as 24): start on the embedded PostgreSQL with a dev key,
// submit a tip, stop, export the payload with tipctl and decrypt it.
// Usage: node scripts/smoke.mjs   (after npm run build; DATABASE_URL is ignored)
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/src/main.js');
const TIPCTL = join(ROOT, 'dist/src/cli/tipctl.js');
const dir = await mkdtemp(join(tmpdir(), 'tipline-smoke-'));
await chmod(dir, 0o711); // as root the embedded PostgreSQL runs as "postgres"
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'development',
  DATA_DIR: join(dir, 'data'),
  PORT: '0',
  BACKGROUND_JOBS: 'false',
};

function fail(message) {
  process.stderr.write(`smoke: FAILED: ${message}\n`);
  process.exitCode = 1;
}

function run(args, timeoutMs = 60_000) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function startService(timeoutMs = 60_000) {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [MAIN], { env, cwd: ROOT });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const closed = new Promise((r) => child.on('close', r));
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ url: match[1], stop: () => (child.kill('SIGTERM'), closed) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void closed.then((code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
}

const narrative = `Smoke test on Node ${process.version}: a van outside the substation at night`;
try {
  process.stderr.write(`smoke: Node ${process.version}, embedded PostgreSQL under ${dir}\n`);
  const service = await startService();
  let reference;
  try {
    const res = await fetch(new URL('/v1/tips', service.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'terrorism', submitterUrgency: 'days', narrative }),
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(`POST /v1/tips answered ${res.status}`);
    reference = body.reference;
    process.stderr.write(`smoke: submitted ${reference}\n`);
  } finally {
    await service.stop();
  }
  const payloadFile = join(dir, 'tip.pgp');
  const exported = await run([TIPCTL, 'tips', 'payload', reference, '--out', payloadFile]);
  if (exported.code !== 0)
    throw new Error(`tipctl tips payload exited ${exported.code}: ${exported.stderr}`);
  const key = join(dir, 'data', 'dev-keys', 'intake-private.asc');
  const decrypted = await run([TIPCTL, 'decrypt', '--key', key, payloadFile]);
  if (decrypted.code !== 0)
    throw new Error(`tipctl decrypt exited ${decrypted.code}: ${decrypted.stderr}`);
  if (!decrypted.stdout.includes(narrative))
    throw new Error('the decrypted payload lacks the narrative');
  process.stderr.write(`smoke: decrypted ${reference} with tipctl: ok\n`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  await rm(dir, { recursive: true, force: true });
}
