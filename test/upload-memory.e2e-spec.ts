import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { withClient } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { startService, testServiceEnv, type RunningService } from './support/processes.js';

const MiB = 1024 * 1024;

async function memoryKiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Streams a multipart body of `size` random bytes without holding it in memory. */
function upload(url: string, size: number): Promise<{ status: number; body: string }> {
  const boundary = 'memoryboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="tip"\r\n\r\n` +
      JSON.stringify({ category: 'cyber', submitterUrgency: 'days', narrative: 'a large file' }) +
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dump.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const target = new URL('/v1/tips', url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const block = randomBytes(MiB);
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(MiB, size - sent);
        sent += n;
        if (!req.write(n === MiB ? block : block.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    pump();
  });
}

/** DESIGN budget: a 100 MiB upload raises peak RSS by under 64 MiB (bench measures; this guards a generous bound). */
describe('a 100 MiB attachment', () => {
  let service: RunningService;

  beforeAll(async () => {
    const key = await makeTestKey();
    service = await startService(testServiceEnv(key.publicKeyPath));
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('streams into PostgreSQL with flat memory', async () => {
    const pid = service.child.pid!;
    // Warm up the path (JIT, pools) with a small upload first.
    expect((await upload(service.url, MiB)).status).toBe(201);
    // Reset the kernel's peak-RSS mark (VmHWM) to the current RSS first.
    await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
    const before = await memoryKiB(pid);
    const res = await upload(service.url, 100 * MiB);
    expect(res.status).toBe(201);
    const after = await memoryKiB(pid);
    const growthMiB = (after.peak - before.rss) / 1024;
    process.stderr.write(
      `100 MiB upload: RSS before ${(before.rss / 1024).toFixed(1)} MiB, peak after ${(after.peak / 1024).toFixed(1)} MiB, peak growth ${growthMiB.toFixed(1)} MiB\n`,
    );
    expect(growthMiB).toBeLessThan(128);

    const { reference } = JSON.parse(res.body) as { reference: string };
    const stored = await withClient(
      async (c) =>
        (
          await c.query<{ bytes: string; chunks: number }>(
            `SELECT a.ciphertext_bytes AS bytes, a.chunk_count AS chunks FROM attachment a JOIN tip t ON t.id = a.tip_id WHERE t.reference = $1`,
            [reference],
          )
        ).rows[0]!,
    );
    expect(Number(stored.bytes)).toBeGreaterThan(100 * MiB);
    expect(stored.chunks).toBeGreaterThanOrEqual(390);
  });
});
