import { fileURLToPath } from 'node:url';
import { EncryptionPool, EncryptionPoolClosedError } from './encryption-pool.js';
import type { EncryptTask } from './encrypt.worker.js';

const SCRIPTED = fileURLToPath(
  new URL('../../test/fixtures/workers/scripted-encryption-worker.mjs', import.meta.url),
);
const task = (script: string): EncryptTask => ({
  plaintext: new TextEncoder().encode(script),
  fingerprints: ['AB'],
});
const text = (bytes: Uint8Array | null) =>
  bytes === null ? null : new TextDecoder().decode(bytes);

describe('EncryptionPool', () => {
  const pools: EncryptionPool[] = [];
  const pool = (threads: number, perThread: number) => {
    const p = new EncryptionPool(SCRIPTED, threads, perThread);
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.destroy()));
  });

  it('runs several tasks at once on each thread, spread over the threads, queueing the rest', async () => {
    const p = pool(2, 3);
    // 8 tasks of 150 ms on 2 x 3 places: 6 start at once, 2 wait in the queue.
    const runs = Array.from({ length: 8 }, (_, i) => p.run(task(`echo:${i}:150`)));
    expect(p.queued).toBe(2);
    const answers = (await Promise.all(runs)).map(text);
    expect(answers.map((a) => a!.split('|')[1])).toEqual(
      Array.from({ length: 8 }, (_, i) => `echo:${i}:150`),
    );
    const threads = new Set(answers.map((a) => a!.split('|')[0]));
    expect(threads.size).toBe(2);
    expect(p.queued).toBe(0);
  });

  it('passes on a null answer and rejects with the worker error', async () => {
    const p = pool(1, 2);
    expect(await p.run(task('missing'))).toBeNull();
    await expect(p.run(task('fail'))).rejects.toThrow('encryption failed: scripted failure');
    // The thread still serves.
    expect(text(await p.run(task('echo:after')))).toMatch(/\|echo:after$/);
  });

  it('a thread that dies rejects what it ran, and its queued work goes to a new thread', async () => {
    const p = pool(1, 2);
    const running = p.run(task('echo:slow:300'));
    const dying = p.run(task('exit'));
    const queued = p.run(task('echo:queued'));
    void running.catch(() => undefined);
    await expect(dying).rejects.toThrow('encryption thread exited with code 3');
    // The slow task was on the same thread: rejected too, never left hanging.
    await expect(running).rejects.toThrow('encryption thread exited with code 3');
    const answer = text(await queued);
    expect(answer).toMatch(/\|echo:queued$/);
    // A later task runs as well (on the replacement thread).
    expect(text(await p.run(task('echo:later')))).toMatch(/\|echo:later$/);
  });

  it('destroy rejects what waits and runs, and refuses new tasks', async () => {
    const p = pool(1, 1);
    const hanging = p.run(task('hang'));
    const waiting = p.run(task('echo:never'));
    expect(p.queued).toBe(1);
    const outcomes = Promise.allSettled([hanging, waiting]);
    await p.destroy();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(EncryptionPoolClosedError);
    }
    await expect(p.run(task('echo:late'))).rejects.toBeInstanceOf(EncryptionPoolClosedError);
  });

  it('refuses a size below one', () => {
    expect(() => new EncryptionPool(SCRIPTED, 0, 4)).toThrow('at least 1');
    expect(() => new EncryptionPool(SCRIPTED, 2, 0)).toThrow('at least 1');
  });
});
