/** Step 4: /health/live latency, probed every 20 ms while intake is saturated. */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER = fileURLToPath(new URL('../workers/probe.mjs', import.meta.url));

/** Probes `url` every 20 ms for `seconds` from a worker thread. */
export async function runProbe(ctx, url, seconds) {
  return (async () => {
    const w = new Worker(WORKER, {
      workerData: {
        kind: 'probe',
        url,
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
  })();
}

export async function liveness(ctx) {
  const {
    CFG,
    BUDGET,
    log,
    sleep,
    fmt,
    pct,
    results,
    row,
    verdict,
    step,
    cannon,
    summarize,
    tipBody,
    countTips,
    state,
  } = ctx;
  const { service, intake } = ctx.state;
  if (state.setupOk && intake.rounds.length > 0) {
    await step('4 liveness under load', async () => {
      const idle = await runProbe(ctx, `${service.url}/health/live`, CFG.idleProbeSeconds);
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
      const probe = await runProbe(
        ctx,
        `${service.url}/health/live`,
        Math.max(1, CFG.livenessSeconds - 2.5),
      );
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
      log(`  idle /health/live p50 ${fmt(res.idle.p50Ms, 2)} ms, p99 ${fmt(res.idle.p99Ms, 2)} ms`);
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
}
