/**
 * Step 10: latency where it matters. At saturation latency is queueing; at a fixed
 * offered rate of half the measured maximum (open loop, evenly spaced arrivals,
 * latency from each request's due time: lib/open-loop.mjs) it is the service's
 * own. The p99 budget applies here.
 */
import { describePerTip, intakeRun } from './intake.mjs';

export async function fixedRate(ctx) {
  const { CFG, BUDGET, fmt, results, row, verdict, step, state } = ctx;
  const max = state.intake?.medianTipsPerSec;
  if (!state.setupOk || !(max > 0)) return;
  await step('10 fixed rate', async () => {
    const rate = Math.max(1, Math.round(max / 2));
    const amount = Math.max(50, Math.round(rate * CFG.fixedRateSeconds));
    const r = await intakeRun(ctx, `fixed rate ${rate}/s`, { openLoop: { rate, amount } }, true);
    results.steps.fixedRate = { offeredPerSec: rate, maximumPerSec: max, ...r };
    row(
      '10 fixed rate',
      `POST /v1/tips at ${fmt(rate)} tips/s offered (half of ${fmt(max)}), ${fmt(amount)} requests, open loop`,
      `p50 ${fmt(r.latencyMs.p50, 1)} / p99 ${fmt(r.latencyMs.p99, 1)} ms; ${fmt(r.okPerSec)} tips/s answered, ${r.non2xx} non-2xx`,
      `p99 < ${BUDGET.intakeP99Ms} ms`,
      verdict(r.latencyMs.p99 < BUDGET.intakeP99Ms && r.non2xx === 0 && r.errors === 0),
    );
    if (r.cpuMsPerTip)
      row('10 fixed rate', 'CPU per committed tip at half the rate', describePerTip(r.cpuMsPerTip));
    // The yardstick at the same offered rate: what latency the same work can have here.
    const peer = state.peer?.service;
    if (peer) {
      const p = await intakeRun(ctx, `peer at ${rate}/s`, { openLoop: { rate, amount } }, true, {
        target: peer,
        who: 'peer',
      });
      results.steps.fixedRate.peer = p;
      row(
        '10 fixed rate',
        `bare peer at the same ${fmt(rate)} tips/s, open loop`,
        `p50 ${fmt(p.latencyMs.p50, 1)} / p99 ${fmt(p.latencyMs.p99, 1)} ms; ${fmt(p.okPerSec)} tips/s answered, ${p.non2xx} non-2xx, ${p.errors} errors`,
      );
    }
  });
}
