/** Step 6: node dist/src/main.js on the embedded database: first start (initdb) and restarts. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function coldStart(ctx) {
  const {
    CFG,
    BUDGET,
    log,
    sleep,
    fmt,
    median,
    results,
    row,
    verdict,
    tempDir,
    serviceEnv,
    startService,
    step,
  } = ctx;
  const { keyPath } = ctx.state;
  if (keyPath) {
    await step('6 cold start', async () => {
      const dataDir = await tempDir('cold');
      const env = serviceEnv({ DATA_DIR: dataDir, INTAKE_PUBLIC_KEYS: keyPath });
      const runs = [];
      for (let i = 0; i <= CFG.coldRestarts; i++) {
        const label = i === 0 ? 'cold start (initdb)' : `restart ${i}`;
        const s = await startService({ label, env });
        const readyMs = s.readyMs;
        try {
          const res = await fetch(`${s.url}/health/ready`);
          await res.text();
          if (res.status !== 200)
            throw new Error(
              `${label}: /health/ready answered ${res.status} right after the listening line`,
            );
        } finally {
          const { code, signal } = await s.stop();
          if (code !== 0 && signal !== 'SIGTERM')
            log(`  ${label}: exited with code ${code}, signal ${signal}`);
        }
        // The service must not leave its embedded PostgreSQL behind.
        const pidFile = join(dataDir, 'pg', 'postmaster.pid');
        const left = await readFile(pidFile, 'utf8').then(
          (t) => Number(t.split('\n')[0]),
          () => null,
        );
        let leaked = false;
        if (left) {
          try {
            process.kill(left, 0);
            leaked = true;
            process.kill(left, 'SIGINT');
            await sleep(1000);
          } catch {
            /* stale pid file */
          }
        }
        runs.push({ label, listeningMs: readyMs, leakedPostgres: leaked });
        log(
          `  ${label}: listening ${fmt(readyMs)} ms after spawn${leaked ? ' (its PostgreSQL was left running: stopped it)' : ''}`,
        );
        if (leaked)
          results.errors.push({
            step: '6 cold start',
            message: `${label}: embedded PostgreSQL still running after the service exited`,
          });
      }
      const first = runs[0].listeningMs;
      const restarts = runs.slice(1).map((r) => r.listeningMs);
      const rMed = median(restarts);
      results.steps.coldStart = { runs, firstMs: first, restartMedianMs: rMed };
      row(
        '6 cold start',
        'spawn to listening, fresh DATA_DIR (initdb + migrations)',
        `${fmt(first / 1000, 2)} s`,
        `< ${BUDGET.coldStartMs / 1000} s`,
        verdict(first < BUDGET.coldStartMs),
      );
      row(
        '6 cold start',
        'spawn to listening, same DATA_DIR again',
        `${fmt(rMed / 1000, 2)} s${restarts.length > 1 ? ` (median of ${restarts.length}: ${restarts.map((x) => fmt(x / 1000, 2)).join(', ')})` : ''}`,
        `< ${BUDGET.coldStartMs / 1000} s`,
        verdict(rMed < BUDGET.coldStartMs),
      );
    });
  }
}
