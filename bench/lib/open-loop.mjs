/**
 * Load at a fixed offered rate, open loop: request i is due at t0 + i / rate
 * and is sent when due, whatever became of the ones before it (no connection
 * waits for its previous answer; past 512 in flight a request waits for a
 * socket), and its latency counts from when it was due, so a send made late
 * shows as latency too (no coordinated omission). Latencies are those of
 * answered requests; errors and timeouts (a timeout is also an error) are
 * counted apart.
 *
 * Why not autocannon's overallRate: each of its connections sends its quota
 * for a second back to back at the start of that second and then pauses, so
 * "half the maximum rate" arrived as bursts at full concurrency (p99 at half
 * the rate equalled p99 at saturation), and its correction for coordinated
 * omission assumes a request every 1 ms per connection.
 */
import http from 'node:http';

export async function openLoop({
  url,
  rate,
  amount,
  method = 'POST',
  headers = {},
  body = '',
  timeoutMs = 10_000,
}) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const payload = Buffer.from(body);
  const latencies = [];
  const statusCodes = {};
  let errors = 0;
  let timeouts = 0;
  const interval = 1000 / rate;
  const send = (due) =>
    new Promise((resolve) => {
      let settled = false;
      const settle = (status) => {
        if (settled) return;
        settled = true;
        if (status === undefined) errors++;
        else {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          latencies.push(performance.now() - due);
        }
        resolve();
      };
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method,
          headers: { ...headers, 'content-length': payload.length },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => settle(res.statusCode));
          res.on('error', () => settle(undefined));
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => settle(undefined));
      req.end(payload);
    });

  const inFlight = [];
  const t0 = performance.now() + 10;
  await new Promise((scheduled) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      for (; i < amount && t0 + i * interval <= now; i++) inFlight.push(send(t0 + i * interval));
      if (i >= amount) return scheduled();
      setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    setTimeout(tick, 10);
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies.length === 0
      ? NaN
      : latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, count]) => n + count, 0);
  return {
    requests: amount,
    ok: statusCodes[201] ?? 0,
    okPerSec: (statusCodes[201] ?? 0) / seconds,
    non2xx: latencies.length - ok,
    errors,
    timeouts,
    statusCodes,
    seconds,
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: latencies.at(-1) ?? NaN,
      mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
    },
  };
}
