/** Step 1: OpenPGP encryption of the same ~1 KiB tip on every core (no HTTP, no database). */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cpuDelta, cpuMs, cpuSnapshot, describeCpu } from '../lib/cpu.mjs';

const WORKER = fileURLToPath(new URL('../workers/ceiling.mjs', import.meta.url));

export async function preparePlaintext(ctx) {
  const { distUrl, results, narrative, tipBody, state } = ctx;
  const { canonicalJson } = await import(distUrl('common/canonical-json.js'));
  // The bytes the server encrypts for this body (same fields, same canonical JSON).
  const plaintext = (state.plaintext = Buffer.from(
    canonicalJson({
      schema: 'tipline.tip/v1',
      reference: 'TIP-7Q4K-2M9X',
      channel: 'public',
      receivedAt: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
      category: 'cyber',
      submitterUrgency: 'days',
      narrative,
    }),
    'utf8',
  ));
  state.plaintextBytes = plaintext.byteLength;
  results.payload = {
    narrativeChars: narrative.length,
    requestBodyBytes: Buffer.byteLength(tipBody),
    plaintextBytes: state.plaintextBytes,
  };
}

/** One measured ceiling round with `inflight` encryptions outstanding per thread. */
export async function ceilingRound(ctx, seconds, inflight) {
  const { CFG, state } = ctx;
  const { service, armoredPublicKey, plaintext } = state;
  const n = availableParallelism();
  const workers = [];
  try {
    const ready = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER, {
        workerData: {
          kind: 'ceiling',
          armored: armoredPublicKey,
          plaintext,
          warmupMs: CFG.ceilingWarmupMs,
          inflight,
          durationMs: seconds * 1000,
        },
      });
      workers.push(w);
      // Messages in order; an error or an early exit fails the pending and the next wait.
      const messages = [];
      const waiters = [];
      let failure = null;
      w.on('message', (m) => (waiters.length ? waiters.shift().resolve(m) : messages.push(m)));
      const fail = (err) => {
        failure ??= err;
        for (const x of waiters.splice(0)) x.reject(err);
      };
      w.on('error', (err) => fail(new Error(`ceiling worker ${i}: ${err.message}`)));
      w.on('exit', (code) => fail(new Error(`ceiling worker ${i} exited (code ${code}) early`)));
      w.next = () =>
        messages.length
          ? Promise.resolve(messages.shift())
          : failure
            ? Promise.reject(failure)
            : new Promise((resolve, reject) => waiters.push({ resolve, reject }));
      ready.push(w.next());
    }
    await Promise.all(ready);
    const done = workers.map((w) => w.next());
    const cpu0 = cpuSnapshot(service.child.pid);
    for (const w of workers) w.postMessage('go');
    const per = await Promise.all(done);
    const cpu1 = cpuSnapshot(service.child.pid);
    const cpu = cpuDelta(cpu0, cpu1);
    const opsPerSec = per.reduce((a, p) => a + p.ops / (p.elapsedMs / 1000), 0);
    const ops = per.reduce((a, p) => a + p.ops, 0);
    // The encryption threads are this process's (its main thread only waits meanwhile).
    const ms = cpuMs(cpu0, cpu1);
    return {
      ops,
      cpuMsPerEncryption: ms && ops > 0 ? ms.bench / ops : null,
      threads: n,
      inflight,
      opsPerSec,
      perThread: per.map((p) => Math.round(p.ops / (p.elapsedMs / 1000))),
      ciphertextBytes: per[0].ciphertextBytes,
      cpu,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function ceilingStep(ctx, i) {
  const { CFG, step, log, fmt, state } = ctx;
  const { ceiling } = state;
  await step(`1 ceiling round ${i}/${CFG.rounds}`, async () => {
    const c = await ceilingRound(ctx, CFG.ceilingSeconds, 1);
    ceiling.rounds.push(c);
    log(
      `  ceiling, 1 encryption at a time per thread: ${fmt(c.opsPerSec)} encryptions/s on ${c.threads} threads (per thread ${c.perThread.join(', ')}), ${fmt(c.cpuMsPerEncryption, 2)} ms CPU per encryption`,
    );
    if (c.cpu) log(`    CPU (cores of ${c.cpu.ofCores}): ${describeCpu(c.cpu)}`);
    const sat = await ceilingRound(ctx, CFG.ceilingSeconds, CFG.ceilingInflight);
    ceiling.saturatedRounds.push(sat);
    log(
      `  ceiling, ${CFG.ceilingInflight} encryptions in flight per thread: ${fmt(sat.opsPerSec)} encryptions/s, ${fmt(sat.cpuMsPerEncryption, 2)} ms CPU per encryption`,
    );
    if (sat.cpu) log(`    CPU (cores of ${sat.cpu.ofCores}): ${describeCpu(sat.cpu)}`);
  });
}
