/** Bench worker: a latency probe that fires on a fixed interval (see steps/liveness.mjs). */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

/** Fires GET every intervalMs (not waiting for the previous answer) and records each latency. */
async function probeWorker({ url, intervalMs, durationMs }) {
  const latencies = [];
  let errors = 0;
  const pending = new Set();
  const fire = () => {
    const t = performance.now();
    const p = fetch(url)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        else latencies.push(performance.now() - t);
      })
      .catch(() => errors++)
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const timer = setInterval(fire, intervalMs);
  await new Promise((r) => setTimeout(r, durationMs));
  clearInterval(timer);
  await Promise.all([...pending]);
  parentPort.postMessage({ latencies, errors });
}

await probeWorker(workerData);
