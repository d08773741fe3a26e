import { PassThrough } from 'node:stream';
import { createLogger } from '../common/logging/logger.js';
import { Shutdown } from './shutdown.js';

function setup() {
  const stream = new PassThrough();
  const lines: { level: string; msg: string }[] = [];
  stream.on('data', (c: Buffer) => {
    for (const l of c.toString('utf8').split('\n').filter(Boolean))
      lines.push(JSON.parse(l) as { level: string; msg: string });
  });
  const codes: number[] = [];
  const shutdown = new Shutdown(createLogger('info', stream), (code) => codes.push(code));
  return { shutdown, lines, codes };
}

describe('shutdown', () => {
  it('runs the steps newest first, then logs one stopped line and exits 0', async () => {
    const { shutdown, lines, codes } = setup();
    const order: string[] = [];
    shutdown.add({
      name: 'stop the database',
      timeoutMs: 1000,
      run: () => Promise.resolve(void order.push('db')),
    });
    shutdown.add({
      name: 'close the app',
      timeoutMs: 1000,
      run: () => Promise.resolve(void order.push('app')),
    });
    await shutdown.run();
    expect(order).toEqual(['app', 'db']);
    expect(codes).toEqual([0]);
    expect(lines.map((l) => l.level)).toEqual(['info']);
    expect(lines[0]!.msg).toMatch(/^stopped in \d+ ms$/);
  });

  it('names a step that fails or hangs, runs the others, and exits 1', async () => {
    const { shutdown, lines, codes } = setup();
    let dbStopped = false;
    shutdown.add({
      name: 'stop the database',
      timeoutMs: 1000,
      run: () => Promise.resolve(void (dbStopped = true)),
    });
    shutdown.add({ name: 'stop the jobs', timeoutMs: 50, run: () => new Promise(() => undefined) });
    shutdown.add({
      name: 'close the app',
      timeoutMs: 1000,
      run: () => Promise.reject(new Error('socket exploded')),
    });
    await shutdown.run();
    expect(dbStopped).toBe(true);
    expect(codes).toEqual([1]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'shutdown: could not close the app: socket exploded',
      'shutdown: could not stop the jobs: did not finish within 0.05 s',
    ]);
  });
});
