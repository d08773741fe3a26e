import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { testDatabaseUrl, TEST_SERVER_SECRET } from './app.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = resolve(ROOT, 'dist/src/main.js');
export const TIPCTL = resolve(ROOT, 'dist/src/cli/tipctl.js');

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Environment for a child: PATH and HOME only, plus what the test gives. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: Buffer | string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: ROOT });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: Buffer.concat(out), stderr: err });
    });
    // A child that exits without reading its input (gpg --version) must not fail the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export function tipctl(
  args: string[],
  env: Record<string, string> = {},
  input?: Buffer,
): Promise<RunResult> {
  return run(process.execPath, [TIPCTL, ...args], { env: cleanEnv(env), input });
}

/** The settings every test service starts with (the test database, one intake key), plus `extra`. */
export function testServiceEnv(
  intakeKeyPath: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    SERVER_SECRET: TEST_SERVER_SECRET,
    INTAKE_PUBLIC_KEYS: intakeKeyPath,
    ...extra,
  };
}

export interface RunningService {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  readyMs: number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The service's output once its log has caught up: JSON lines are written in
 * the background (at most 100 ms late), so this waits until nothing new has
 * arrived for 300 ms (at most 5 s).
 */
export async function settledOutput(service: RunningService): Promise<string> {
  const deadline = Date.now() + 5_000;
  let seen = service.output();
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = service.output();
    if (now === seen || Date.now() > deadline) return now;
    seen = now;
  }
}

/** Starts the built service and waits for its "listening" line. */
export function startService(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunningService> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [MAIN], {
      env: cleanEnv({ PORT: '0', ...env }),
      cwd: ROOT,
    });
    let output = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1]!,
          child,
          readyMs: Date.now() - started,
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
}
