/** Step 3: GET /health/live at 32 connections (framework cost). */

export async function baseline(ctx) {
  const { CFG, CONNECTIONS, log, fmt, results, row, step, cannon, summarize, state } = ctx;
  const { service } = ctx.state;
  if (state.setupOk) {
    await step('3 baseline', async () => {
      const r = summarize(
        await cannon({ url: `${service.url}/health/live`, duration: CFG.baselineSeconds }),
        '200',
      );
      results.steps.baseline = {
        route: 'GET /health/live',
        note: 'The issue asks for a validating POST route without encryption; the app has none yet, so this is the cheapest route (no body, no validation, no database).',
        ...r,
      };
      log(
        `  GET /health/live: ${fmt(r.okPerSec)} req/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms, non-2xx ${r.non2xx}`,
      );
      row(
        '3 baseline',
        `GET /health/live, ${CONNECTIONS} connections (*)`,
        `${fmt(r.okPerSec)} req/s, p50 ${fmt(r.latencyMs.p50, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms`,
        '-',
        r.non2xx === 0 && r.errors === 0
          ? 'info'
          : `FAIL (non-2xx ${r.non2xx}, errors ${r.errors})`,
      );
    });
  }
}
