/**
 * Step 9: the bare intake peer (bench/peer.mjs: Fastify, pg, openpgp workers, the same
 * work per tip, no framework) under the same load as step 2, round by round right
 * after the service's round, on the same PostgreSQL server and database.
 */
import { join } from 'node:path';
import { describePerTip, intakeRun, medianPerTip } from './intake.mjs';

export async function peerStart(ctx) {
  const {
    ROOT,
    CFG,
    EXTRA_SERVICE_ENV,
    cleanups,
    fmt,
    log,
    serviceEnv,
    startService,
    step,
    state,
  } = ctx;
  state.peer = { rounds: [] };
  await step('9 peer start and warm-up', async () => {
    const peer = await startService({
      label: 'peer',
      script: join(ROOT, 'bench', 'peer.mjs'),
      env: {
        ...serviceEnv({ DATABASE_URL: state.benchDbUrl, INTAKE_PUBLIC_KEYS: state.keyPath }),
        PEER_THREADS: '2',
        PEER_INFLIGHT: String(CFG.ceilingInflight),
        PEER_POOL_SIZE: EXTRA_SERVICE_ENV.DATABASE_POOL_SIZE ?? '10',
      },
    });
    state.peer.service = peer;
    cleanups.push({ label: 'stop the peer', fn: () => peer.stop() });
    log(`peer listening on ${peer.url} (${fmt(peer.readyMs)} ms after spawn)`);
    const r = await intakeRun(ctx, 'peer warm-up', { duration: CFG.intakeWarmupSeconds }, false, {
      target: peer,
      who: 'peer',
    });
    if (r.ok === 0)
      throw new Error(`no 201 from the peer; status codes ${JSON.stringify(r.statusCodes)}`);
    state.peer.rate = r.okPerSec;
  });
}

export async function peerRound(ctx, i) {
  const { CFG, CONNECTIONS, step, state } = ctx;
  const { peer } = state;
  if (!peer?.rate) return;
  await step(`9 peer round ${i}/${CFG.rounds}`, async () => {
    const amount = Math.max(CONNECTIONS * 10, Math.round(peer.rate * CFG.intakeSeconds));
    const r = await intakeRun(ctx, `peer round ${i}`, { amount }, true, {
      target: peer.service,
      who: 'peer',
    });
    peer.rounds.push(r);
    if (r.ok > 0) peer.rate = r.okPerSec;
  });
}

export async function peerSummary(ctx) {
  const { CFG, CONNECTIONS, BUDGET, fmt, median, results, row, verdict, step, state } = ctx;
  const { peer, intake } = state;
  if (!peer) return;
  await step('9 peer summary', async () => {
    if (peer.service) {
      await peer.service.stop();
      ctx.cleanups.splice(
        ctx.cleanups.findIndex((c) => c.label === 'stop the peer'),
        1,
      );
    }
    if (peer.rounds.length === 0) throw new Error('no peer round ran');
    const pMed = median(peer.rounds.map((r) => r.okPerSec));
    const paired = peer.rounds.map((r, k) =>
      intake.rounds[k] ? intake.rounds[k].okPerSec / r.okPerSec : NaN,
    );
    const ratio = median(intake.rounds.map((r) => r.okPerSec)) / pMed;
    const perTip = medianPerTip(ctx, peer.rounds);
    const rs = CFG.rounds > 1 ? ` (median of ${CFG.rounds})` : '';
    const list = (xs, d = 0) =>
      xs.length > 1 ? `; rounds ${xs.map((x) => fmt(x, d)).join(', ')}` : '';
    results.steps.peer = {
      what: 'bench/peer.mjs: Fastify + JSON schema, receipt + HMAC, X25519 reply key, openpgp on 2 worker threads with several encryptions in flight each, one INSERT per tip on pg, 201 after it',
      rounds: peer.rounds,
      medianTipsPerSec: pMed,
      intakeOverPeer: ratio,
      pairedRatios: paired,
      p50Ms: median(peer.rounds.map((r) => r.latencyMs.p50)),
      p99Ms: median(peer.rounds.map((r) => r.latencyMs.p99)),
      cpuMsPerTip: perTip,
    };
    const s = results.steps.peer;
    row(
      '9 peer',
      `bare peer (bench/peer.mjs), POST /v1/tips, ${CONNECTIONS} connections`,
      `${fmt(pMed)} tips/s${rs}${list(peer.rounds.map((r) => r.okPerSec))}; p50 / p99 ${fmt(s.p50Ms, 1)} / ${fmt(s.p99Ms, 1)} ms`,
    );
    if (perTip) row('9 peer', `peer CPU per committed tip${rs}`, describePerTip(perTip, 'peer'));
    row(
      '9 peer',
      'intake / peer (same load, same database, interleaved)',
      `${fmt(ratio, 2)}${list(paired, 2)}`,
      `>= ${BUDGET.peerRatio}`,
      verdict(ratio >= BUDGET.peerRatio),
    );
  });
}
