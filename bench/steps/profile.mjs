/**
 * CPU profile of the service under intake load (when the ratio misses, or on
 * request), of public tips or, with --profile-partner, of partner tips.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuDelta, cpuSnapshot, describeCpu } from '../lib/cpu.mjs';
import { analyzeProfile } from '../lib/profile.mjs';
import { partnerLoad } from './partner.mjs';

export async function profile(ctx, setupOk) {
  const {
    ROOT,
    args,
    QUICK,
    CFG,
    BUDGET,
    log,
    fmt,
    results,
    cleanups,
    tempDir,
    serviceEnv,
    startService,
    step,
    cannon,
    summarize,
    tipBody,
  } = ctx;
  const { service, benchDbUrl, keyPath } = ctx.state;
  // ---- profile (when the ratio misses, or on request) -----------------------------
  const ratio = results.steps.intake?.ratio;
  const partnerRoute = args.has('--profile-partner');
  const wantProfile =
    !args.has('--no-profile') &&
    (args.has('--profile') ||
      partnerRoute ||
      (!QUICK && ratio !== undefined && ratio < BUDGET.ratio));
  if (service) {
    await service.stop();
    cleanups.splice(
      cleanups.findIndex((c) => c.label === 'stop the service'),
      1,
    );
  }
  if (setupOk && wantProfile) {
    await step('profile', async () => {
      const dir = await tempDir('prof');
      // Nest re-raises SIGTERM after its shutdown, which kills the process before
      // --cpu-prof writes; this preload turns the re-raised signal into process.exit().
      const preload =
        'data:text/javascript,' +
        encodeURIComponent(
          "let n=0;for(const s of ['SIGTERM','SIGINT'])process.on(s,()=>{if(++n>1)process.exit(0)});",
        );
      const prof = await startService({
        label: 'profiled service',
        nodeArgs: ['--import', preload, '--cpu-prof', `--cpu-prof-dir=${dir}`],
        env: serviceEnv({ DATABASE_URL: benchDbUrl, INTAKE_PUBLIC_KEYS: keyPath }),
      });
      cleanups.push({ label: 'stop the profiled service', fn: () => prof.stop() });
      // --profile-partner: the load of step 11 (POST /v1/partner/tips) instead of public tips.
      const { path, opts } = partnerRoute
        ? { path: '/v1/partner/tips', opts: (await partnerLoad(ctx)).request }
        : {
            path: '/v1/tips',
            opts: {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: tipBody,
            },
          };
      await cannon({ url: `${prof.url}${path}`, duration: 2, ...opts });
      const cpu0 = cpuSnapshot(prof.child.pid);
      const r = summarize(
        await cannon({ url: `${prof.url}${path}`, duration: CFG.profileSeconds, ...opts }),
        '201',
      );
      const cpu = cpuDelta(cpu0, cpuSnapshot(prof.child.pid));
      await prof.stop();
      const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}`);
      // Keep the raw profiles (open them in Chrome DevTools > Performance, or speedscope).
      const keep = join(ROOT, 'bench', 'profiles');
      await rm(keep, { recursive: true, force: true });
      await mkdir(keep, { recursive: true });
      const threads = [];
      for (const f of files) {
        // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread
        const tid = Number(f.split('.').at(-3));
        const name = tid === 0 ? 'main thread' : `worker thread ${tid}`;
        const text = await readFile(join(dir, f), 'utf8');
        await writeFile(join(keep, `${tid === 0 ? 'main' : `worker-${tid}`}.cpuprofile`), text);
        threads.push({ thread: name, file: f, ...analyzeProfile(JSON.parse(text)) });
      }
      threads.sort((a, b) =>
        a.thread === 'main thread' ? -1 : b.thread === 'main thread' ? 1 : b.busyMs - a.busyMs,
      );
      results.steps.profile = {
        route: path,
        tipsPerSecUnderProfiler: r.okPerSec,
        seconds: CFG.profileSeconds + 2,
        cpu,
        savedIn: 'bench/profiles/',
        threads,
      };
      log(`  under the profiler: ${fmt(r.okPerSec)} tips/s`);
      if (cpu) log(`    CPU (cores of ${cpu.ofCores}): ${describeCpu(cpu)}`);
      for (const t of threads) {
        log(
          `  ${t.thread}: ${fmt(t.totalMs)} ms sampled, ${fmt(t.busyMs)} ms not waiting (${fmt((100 * t.busyMs) / t.totalMs, 1)} %)`,
        );
        for (const f of t.topFunctions.slice(0, 8))
          log(
            `     ${fmt(f.pct, 1).padStart(5)} %  ${f.name}  ${f.where}  <- ${f.callers[0] ?? ''}`,
          );
      }
    });
  }
}
