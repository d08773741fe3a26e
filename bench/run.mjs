#!/usr/bin/env node
/**
 * Tipline benchmark: checks the budgets of ../shared/DESIGN.md ("Budgets") on this machine.
 *
 *   node bench/run.mjs            full run (about 6 to 8 minutes on 2 cores)
 *   node bench/run.mjs --quick    smoke run (about 2 minutes; numbers are indicative only)
 *   node bench/run.mjs --profile  also CPU-profile the server under intake load
 *                                 (done anyway on a full run when the intake ratio misses its budget)
 *   node bench/run.mjs --profile-partner   the same under partner load (POST /v1/partner/tips)
 *
 * Needs the build (`npm run build`). Starts and stops everything it uses, on
 * 127.0.0.1 only: an embedded PostgreSQL (or, when DATABASE_URL is set, a fresh
 * database `tipline_bench_<random>` on that server, dropped at the end), the
 * production entry point `node dist/src/main.js`, and the bare peer (bench/peer.mjs).
 *
 * Environment:
 *   DATABASE_URL       use this PostgreSQL server instead of an embedded one
 *   BENCH_LOG_LEVEL    the service's LOG_LEVEL (default info, the production default)
 *   BENCH_SERVICE_ENV  extra service variables for experiments, e.g.
 *                      'ENCRYPTION_THREADS=0,DATABASE_POOL_SIZE=20'
 *
 * Output: a Markdown table on stdout, progress on stderr, everything in bench/results.json
 * (and, when profiled, the raw .cpuprofile files in bench/profiles/).
 * Exit code: 0 all budgets met, 1 a step failed, 2 all steps ran but a budget was missed.
 *
 * Steps (one file each under bench/steps/; this file only runs them in order):
 *   1 ceiling     OpenPGP encryption of the same ~1 KiB canonical-JSON tip on every core (no HTTP, no DB)
 *   2 intake      POST /v1/tips, 32 connections; ratio intake / ceiling; rows in `tip` == 201s;
 *                 CPU ms per committed tip (service main thread, other threads, PostgreSQL, load generator)
 *   9 peer        the same load on a bare hand-written intake service (bench/peer.mjs), interleaved
 *                 with step 2 round by round: intake / peer
 *  10 fixed rate  POST /v1/tips at half the measured maximum rate, open loop: latency p50/p99 (and the peer's)
 *   3 baseline    GET /health/live, 32 connections (framework cost)
 *   4 liveness    /health/live latency, probed every 20 ms while intake is saturated
 *  11 partner     POST /v1/partner/tips (fresh Idempotency-Key each, indicators), ratio to public intake
 *  12 first byte  GET / on the idle service (skipped when the public site answers 404)
 *   7 attachment  a 100 MiB upload: peak RSS growth
 *   8 soak        RSS after two consecutive intake loads
 *   5 triage      GET /v1/triage/tips over 1,000,000 seeded tips (50,000 with --quick), plus the raw SQL
 *   6 cold start  node dist/src/main.js on the embedded database: first start (initdb) and restarts
 */
import { createContext } from './lib/context.mjs';
import { report } from './lib/report.mjs';
import { attachment } from './steps/attachment.mjs';
import { baseline } from './steps/baseline.mjs';
import { ceilingStep, preparePlaintext } from './steps/ceiling.mjs';
import { coldStart } from './steps/cold-start.mjs';
import { firstBytePage } from './steps/first-byte.mjs';
import { fixedRate } from './steps/fixed-rate.mjs';
import { intakeRound, intakeSummary, intakeWarmup } from './steps/intake.mjs';
import { intakeRows } from './steps/intake-rows.mjs';
import { liveness } from './steps/liveness.mjs';
import { partner } from './steps/partner.mjs';
import { peerRound, peerStart, peerSummary } from './steps/peer.mjs';
import { profile } from './steps/profile.mjs';
import { setup } from './steps/setup.mjs';
import { soak } from './steps/soak.mjs';
import { triage } from './steps/triage.mjs';

const ctx = await createContext(process.argv.slice(2));
const { CFG, state, runCleanups, setCurrentStep } = ctx;
state.ceiling = { rounds: [], saturatedRounds: [] };
state.intake = { rounds: [], rowChecks: [] };

try {
  state.setupOk = await setup(ctx);
  if (state.setupOk) {
    await firstBytePage(ctx); // first: the service is idle
    await preparePlaintext(ctx);
    await intakeWarmup(ctx);
    await peerStart(ctx);
    for (let i = 1; i <= CFG.rounds && state.rate; i++) {
      await ceilingStep(ctx, i);
      await intakeRound(ctx, i);
      await peerRound(ctx, i);
    }
    await intakeSummary(ctx);
    await fixedRate(ctx); // while the peer still runs: it gets the same offered rate
    await peerSummary(ctx);
  }
  await baseline(ctx);
  await liveness(ctx);
  await partner(ctx);
  await attachment(ctx);
  await soak(ctx);
  await intakeRows(ctx);
  await triage(ctx);
  await profile(ctx, state.setupOk);
  await coldStart(ctx);
} finally {
  setCurrentStep('cleanup');
  await runCleanups();
}
await report(ctx);
