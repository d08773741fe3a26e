/** Step 8: memory soak: RSS after two consecutive intake loads. */
import { readFile } from 'node:fs/promises';

const procMemKiB = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
};
export async function soak(ctx) {
  const { CFG, log, sleep, fmt, results, row, verdict, step, cannon, summarize, tipBody, state } =
    ctx;
  const { service, intake } = ctx.state;
  if (state.setupOk && intake.rounds.length > 0) {
    await step('8 soak', async () => {
      const seconds = CFG.mode === 'quick' ? 8 : 60;
      const pid = service.child.pid;
      const rss = [];
      for (let i = 1; i <= 2; i++) {
        const r = summarize(
          await cannon({
            url: `${service.url}/v1/tips`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: tipBody,
            duration: seconds,
          }),
          '201',
        );
        await sleep(1000);
        const mem = await procMemKiB(pid);
        rss.push(mem.rss / 1024);
        log(
          `  soak load ${i}: ${fmt(r.okPerSec)} tips/s for ${seconds} s, non-2xx ${r.non2xx}; RSS after ${fmt(mem.rss / 1024, 1)} MiB`,
        );
      }
      const change = (rss[1] - rss[0]) / rss[0];
      results.steps.soak = { seconds, rssMiB: rss, change };
      row(
        '8 soak',
        `RSS after a second ${seconds} s intake load vs after the first`,
        `${fmt(rss[0], 1)} -> ${fmt(rss[1], 1)} MiB (${change >= 0 ? '+' : ''}${fmt(change * 100, 1)} %)`,
        'within 10 %',
        verdict(Math.abs(change) <= 0.1),
      );
    });
  }
}
