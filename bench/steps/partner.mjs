/**
 * Step 11: partner intake. The same load on POST /v1/partner/tips with a fresh
 * Idempotency-Key and sourceRef per request and indicators, from a partner whose
 * quotas the run cannot reach; tips/s and the ratio to public intake.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describePerTip, intakeRun } from './intake.mjs';

export async function partner(ctx) {
  const { CFG, CONNECTIONS, BUDGET, fmt, results, row, verdict, step, state } = ctx;
  const publicRate = state.intake?.medianTipsPerSec;
  if (!state.setupOk || !(publicRate > 0)) return;
  await step('11 partner', async () => {
    const { request, built } = await partnerLoad(ctx);
    const load = { path: '/v1/partner/tips', request };
    const warm = await intakeRun(
      ctx,
      'partner warm-up',
      { duration: CFG.intakeWarmupSeconds },
      false,
      load,
    );
    if (warm.ok === 0)
      throw new Error(
        `no 201 from POST /v1/partner/tips; status codes ${JSON.stringify(warm.statusCodes)}`,
      );
    const amount = Math.max(CONNECTIONS * 10, Math.round(warm.okPerSec * CFG.intakeSeconds));
    const r = await intakeRun(ctx, 'partner', { amount }, true, load);
    const ratio = r.okPerSec / publicRate;
    results.steps.partner = { requestsBuilt: built(), ...r, ratioToPublic: ratio };
    row(
      '11 partner',
      `POST /v1/partner/tips (fresh Idempotency-Key, 3 indicators), ${CONNECTIONS} connections`,
      `${fmt(r.okPerSec)} tips/s, p50 ${fmt(r.latencyMs.p50, 1)} / p99 ${fmt(r.latencyMs.p99, 1)} ms, ${r.non2xx} non-2xx`,
    );
    if (r.cpuMsPerTip)
      row('11 partner', 'CPU per committed partner tip', describePerTip(r.cpuMsPerTip));
    row(
      '11 partner',
      'partner intake / public intake',
      fmt(ratio, 2),
      `>= ${BUDGET.partnerRatio}`,
      verdict(ratio >= BUDGET.partnerRatio && r.non2xx === 0),
    );
  });
}

/**
 * A partner that no quota stops and its API key, written as `tipline partners`
 * would (hashed secret), and autocannon's request for its tips: a fresh
 * Idempotency-Key and sourceRef each, three indicators. Also the partner load
 * of `--profile-partner`.
 */
export async function partnerLoad(ctx) {
  const { distUrl, narrative, state } = ctx;
  const { generateApiKey } = await import(distUrl('partners/api-keys.js'));
  const key = generateApiKey();
  const { rows } = await state.pool.query(
    `INSERT INTO partner (id, name, requests_per_minute, tips_per_day)
     VALUES (gen_random_uuid(), $1, 2000000000, 2000000000) RETURNING id`,
    [`bench partner ${randomBytes(3).toString('hex')}`],
  );
  await state.pool.query(
    `INSERT INTO api_key (id, partner_id, secret_hash, label, scopes)
     VALUES ($1, $2, $3, 'bench', ARRAY['tips:submit'])`,
    [key.id, rows[0].id, key.secretHash],
  );
  const indicators = [
    { type: 'domain', value: 'ministry-vpn-login.example.net', description: 'look-alike' },
    { type: 'ipv4', value: '203.0.113.45' },
    { type: 'url', value: 'https://ministry-vpn-login.example.net/otp' },
  ];
  let n = 0;
  const request = {
    requests: [
      {
        method: 'POST',
        path: '/v1/partner/tips',
        setupRequest: (req) => {
          const id = randomUUID();
          n++;
          return {
            ...req,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${key.token}`,
              'idempotency-key': id,
            },
            body: JSON.stringify({
              category: 'cyber',
              submitterUrgency: 'days',
              narrative,
              sourceRef: `bench-${id}`,
              indicators,
            }),
          };
        },
      },
    ],
  };
  return { request, built: () => n };
}
