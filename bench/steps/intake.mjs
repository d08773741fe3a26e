/** Step 2: POST /v1/tips at 32 connections; ratio to the ceiling; rows in `tip` equal the 201s. */
import { cpuDelta, cpuMs, cpuSnapshot, describeCpu, perUnit } from '../lib/cpu.mjs';
import { openLoop } from '../lib/open-loop.mjs';

/**
 * One autocannon run of tip submissions (POST /v1/tips on the service unless
 * `load` says otherwise), with CPU per committed tip and the rows it added.
 */
export async function intakeRun(ctx, label, opts, exact, load = {}) {
  const { log, sleep, fmt, cannon, summarize, tipBody, countTips, state } = ctx;
  const { service, intake } = state;
  const target = load.target ?? service;
  const before = await countTips();
  await state.refreshPostgresPids?.();
  const cpu0 = cpuSnapshot(target.child.pid);
  const request = {
    url: `${target.url}${load.path ?? '/v1/tips'}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: tipBody,
    ...load.request,
  };
  // `openLoop: { rate, amount }`: a fixed offered rate (lib/open-loop.mjs); otherwise autocannon.
  const summary = opts.openLoop
    ? await openLoop({ ...request, ...opts.openLoop })
    : summarize(await cannon({ ...request, ...opts }), '201');
  await state.refreshPostgresPids?.();
  const cpu1 = cpuSnapshot(target.child.pid);
  const cpu = cpuDelta(cpu0, cpu1);
  const r = { ...summary, cpu };
  // A duration-bound run stops with requests in flight: let them commit before counting.
  let after = await countTips();
  for (let i = 0; i < 20; i++) {
    await sleep(150);
    const again = await countTips();
    if (again === after) break;
    after = again;
  }
  const check = { run: label, rows: after - before, created201: r.ok, exact };
  intake.rowChecks.push(check);
  // CPU per committed tip: by what the run committed (rows), not by requests sent.
  r.cpuMs = cpuMs(cpu0, cpu1);
  r.cpuMsPerTip = perUnit(r.cpuMs, check.rows);
  log(
    `  ${label}: ${fmt(r.okPerSec)} tips/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms, ` +
      `${r.ok} x 201, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, rows +${check.rows}`,
  );
  if (cpu) log(`    CPU (cores of ${cpu.ofCores}): ${describeCpu(cpu)}`);
  if (r.cpuMsPerTip)
    log(`    CPU per committed tip: ${describePerTip(r.cpuMsPerTip, load.who ?? 'service')}`);
  return r;
}

/** "service main thread 1.30 ms, ..." */
export function describePerTip(c, who = 'service') {
  const f = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
  return `${who} main thread ${f(c.serviceMain)} ms, ${who} other threads ${f(c.serviceOther)} ms, PostgreSQL ${f(c.postgres)} ms, load generator ${f(c.bench)} ms`;
}

/** Medians, key by key, of runs' CPU per tip. */
export function medianPerTip(ctx, runs) {
  const xs = runs.map((r) => r.cpuMsPerTip).filter(Boolean);
  if (xs.length === 0) return null;
  const out = {};
  for (const k of Object.keys(xs[0])) out[k] = ctx.median(xs.map((x) => x[k]));
  return out;
}

/** A timed warm-up that also gives the first rate. */
export async function intakeWarmup(ctx) {
  const { CFG, step, state } = ctx;
  const { intake } = ctx.state;
  await step('2 intake warm-up', async () => {
    const r = await intakeRun(ctx, 'warm-up', { duration: CFG.intakeWarmupSeconds }, false);
    if (r.ok === 0)
      throw new Error(`no 201 during warm-up; status codes ${JSON.stringify(r.statusCodes)}`);
    state.rate = r.okPerSec;
    intake.warmup = r;
  });
}

export async function intakeRound(ctx, i) {
  const { CFG, CONNECTIONS, step, state } = ctx;
  const { intake } = ctx.state;
  await step(`2 intake round ${i}/${CFG.rounds}`, async () => {
    // A fixed number of requests (sized from the last rate) so that every request
    // gets its answer and rows can be compared exactly with the 201s.
    const amount = Math.max(CONNECTIONS * 10, Math.round(state.rate * CFG.intakeSeconds));
    const r = await intakeRun(ctx, `round ${i}`, { amount }, true);
    intake.rounds.push(r);
    if (r.ok > 0) state.rate = r.okPerSec;
  });
}

/** Medians, ratios, latency and CPU rows of the ceiling and intake rounds. */
export async function intakeSummary(ctx) {
  const { CFG, CONNECTIONS, BUDGET, fmt, median, results, row, verdict, step } = ctx;
  const { ceiling, intake, plaintextBytes } = ctx.state;
  await step('2 intake summary', async () => {
    const cMed = median(ceiling.rounds.map((c) => c.opsPerSec));
    const sMed = median(ceiling.saturatedRounds.map((c) => c.opsPerSec));
    const iMed = median(intake.rounds.map((r) => r.okPerSec));
    const ratio = iMed / cMed;
    const ratioSaturated = iMed / sMed;
    const paired = intake.rounds.map((r, k) =>
      ceiling.rounds[k] ? r.okPerSec / ceiling.rounds[k].opsPerSec : NaN,
    );
    const p50 = median(intake.rounds.map((r) => r.latencyMs.p50));
    const p99 = median(intake.rounds.map((r) => r.latencyMs.p99));
    const non2xx = intake.rounds.reduce((a, r) => a + r.non2xx, 0);
    const errs = intake.rounds.reduce((a, r) => a + r.errors + r.timeouts, 0);
    Object.assign(ceiling, {
      medianOpsPerSec: cMed,
      saturatedMedianOpsPerSec: sMed,
      plaintextBytes,
    });
    Object.assign(intake, {
      medianTipsPerSec: iMed,
      ratio,
      ratioToSaturatedCeiling: ratioSaturated,
      pairedRatios: paired,
      p50Ms: p50,
      p99Ms: p99,
      non2xx,
      errors: errs,
    });
    results.steps.ceiling = ceiling;
    results.steps.intake = intake;
    const rs = CFG.rounds > 1 ? ` (median of ${CFG.rounds})` : '';
    const list = (xs, d = 0) =>
      xs.length > 1 ? `; rounds ${xs.map((x) => fmt(x, d)).join(', ')}` : '';
    row(
      '1 ceiling',
      `OpenPGP encrypt, ${fmt(plaintextBytes)} B tip, ${ceiling.rounds[0]?.threads ?? '?'} threads, 1 at a time per thread (as specified; = piscina's 1 task per worker)`,
      `${fmt(cMed)} ops/s${rs}${list(ceiling.rounds.map((c) => c.opsPerSec))}`,
    );
    row(
      '1 ceiling',
      `same, ${CFG.ceilingInflight} in flight per thread (saturates the cores: WebCrypto runs on the libuv pool)`,
      `${fmt(sMed)} ops/s${rs}${list(ceiling.saturatedRounds.map((c) => c.opsPerSec))}`,
    );
    row(
      '2 intake',
      `POST /v1/tips, ${CONNECTIONS} connections`,
      `${fmt(iMed)} tips/s${rs}${list(intake.rounds.map((r) => r.okPerSec))}`,
    );
    row(
      '2 intake',
      'intake / ceiling (1 at a time per thread)',
      `${fmt(ratio, 2)}${list(paired, 2)}`,
      `>= ${BUDGET.ratio}`,
      verdict(ratio >= BUDGET.ratio),
    );
    row(
      '2 intake',
      `intake / saturated ceiling (${CFG.ceilingInflight} in flight per thread)`,
      fmt(ratioSaturated, 2),
      `>= ${BUDGET.ratioSaturated}`,
      verdict(ratioSaturated >= BUDGET.ratioSaturated),
    );
    row(
      '2 intake',
      `latency p50 / p99 at saturation (${CONNECTIONS} connections: mostly queueing; the budget is at half the rate, step 10)`,
      `${fmt(p50, 1)} / ${fmt(p99, 1)} ms${rs}`,
    );
    // CPU per committed tip, next to the ceiling's CPU per encryption.
    const perTip = medianPerTip(ctx, intake.rounds);
    const perEnc = median(
      ceiling.rounds.map((c) => c.cpuMsPerEncryption).filter((x) => x !== null),
    );
    const perEncSat = median(
      ceiling.saturatedRounds.map((c) => c.cpuMsPerEncryption).filter((x) => x !== null),
    );
    Object.assign(ceiling, { cpuMsPerEncryption: perEnc, saturatedCpuMsPerEncryption: perEncSat });
    row(
      '1 ceiling',
      'CPU per encryption (1 at a time / saturated)',
      `${fmt(perEnc, 2)} / ${fmt(perEncSat, 2)} ms${rs}`,
    );
    if (perTip) {
      intake.cpuMsPerTip = perTip;
      row('2 intake', `CPU per committed tip${rs}`, describePerTip(perTip));
      row(
        '2 intake',
        'service main thread CPU per tip',
        `${fmt(perTip.serviceMain, 2)} ms`,
        `<= ${BUDGET.mainThreadMsPerTip} ms`,
        verdict(perTip.serviceMain <= BUDGET.mainThreadMsPerTip),
      );
      const vsCeiling = perTip.serviceOther / perEncSat;
      row(
        '2 intake',
        "service other threads CPU per tip / ceiling's CPU per encryption (saturated)",
        `${fmt(perTip.serviceOther, 2)} / ${fmt(perEncSat, 2)} ms = ${fmt(vsCeiling, 2)}`,
        `<= ${BUDGET.otherThreadsPerEncryption}`,
        verdict(vsCeiling <= BUDGET.otherThreadsPerEncryption),
      );
      const threads = {};
      for (const r of intake.rounds)
        for (const [name, ms] of Object.entries(r.cpuMs?.serviceThreads ?? {}))
          threads[name] = (threads[name] ?? 0) + ms;
      const tips = intake.rowChecks
        .filter((c) => c.exact && c.run.startsWith('round '))
        .reduce((a, c) => a + c.rows, 0);
      if (tips > 0) {
        intake.cpuMsPerTipByThreadName = Object.fromEntries(
          Object.entries(threads)
            .sort((a, b) => b[1] - a[1])
            .map(([name, ms]) => [name, ms / tips]),
        );
        row(
          '2 intake',
          'service other threads per tip, by thread name (all rounds)',
          Object.entries(intake.cpuMsPerTipByThreadName)
            .slice(0, 5)
            .map(([name, ms]) => `${name} ${fmt(ms, 2)} ms`)
            .join(', '),
        );
      }
    }
    const avgCpu = (list) => {
      const xs = list.map((x) => x.cpu).filter(Boolean);
      if (xs.length === 0) return null;
      const out = {};
      for (const k of Object.keys(xs[0])) out[k] = median(xs.map((x) => x[k]));
      return out;
    };
    const iCpu = avgCpu(intake.rounds);
    const cCpu = avgCpu(ceiling.rounds);
    const sCpu = avgCpu(ceiling.saturatedRounds);
    intake.cpuMedian = iCpu;
    ceiling.cpuMedian = cCpu;
    ceiling.saturatedCpuMedian = sCpu;
    if (iCpu) {
      row('2 intake', `CPU during intake (cores of ${iCpu.ofCores})`, describeCpu(iCpu));
    }
    if (cCpu) row('1 ceiling', 'CPU during ceiling, 1 at a time', describeCpu(cCpu));
    if (sCpu)
      row('1 ceiling', `CPU during ceiling, ${CFG.ceilingInflight} in flight`, describeCpu(sCpu));
    row(
      '2 intake',
      'non-2xx / socket errors+timeouts',
      `${non2xx} / ${errs}`,
      '0',
      verdict(non2xx === 0 && errs === 0),
    );
  });
}
