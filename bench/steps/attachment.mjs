/** Step 7: a 100 MiB attachment: peak RSS growth of the service. */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export async function attachment(ctx) {
  const { CFG, log, fmt, median, results, row, verdict, step, tipBody, state } = ctx;
  const { service } = ctx.state;
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
  if (state.setupOk) {
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
}
