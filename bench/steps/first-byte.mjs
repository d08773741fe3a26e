/**
 * Step 12: time to the first byte of `/` (the public site's form) on the idle
 * service, sequential requests. Skipped when `/` answers 404 (no public site).
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Resolves with the status and the milliseconds until the response headers arrived. */
function firstByte(url) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(url, { method: 'GET', headers: { accept: 'text/html' } }, (res) => {
      const ms = performance.now() - t;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

export async function firstBytePage(ctx) {
  const { CFG, fmt, pct, results, row, step, state } = ctx;
  if (!state.setupOk) return;
  await step('12 first byte', async () => {
    const url = `${state.service.url}/`;
    const first = await firstByte(url);
    if (first.status === 404) {
      results.steps.firstByte = { skipped: 'GET / answered 404 (no public site in this build)' };
      row('12 first byte', 'GET / on the idle service', 'skipped: / answers 404 (no public site)');
      return;
    }
    const ms = [];
    for (let i = 0; i < 5; i++) await firstByte(url); // warm-up
    for (let i = 0; i < CFG.firstByteRuns; i++) {
      const r = await firstByte(url);
      if (r.status !== first.status)
        throw new Error(`GET / answered ${first.status} first, then ${r.status}`);
      ms.push(r.ms);
    }
    results.steps.firstByte = {
      status: first.status,
      runs: ms.length,
      p50Ms: pct(ms, 50),
      p99Ms: pct(ms, 99),
    };
    row(
      '12 first byte',
      `GET / on the idle service (status ${first.status}), ${ms.length} sequential requests`,
      `first byte p50 ${fmt(pct(ms, 50), 2)} / p99 ${fmt(pct(ms, 99), 2)} ms`,
    );
  });
}
