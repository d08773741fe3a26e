/** Step 5: GET /v1/triage/tips over 1,000,000 seeded tips (50,000 with --quick), plus the raw SQL. */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describePlan } from './triage-plan.mjs';

export async function triage(ctx) {
  const {
    ROOT,
    DIST,
    distUrl,
    CFG,
    BUDGET,
    NEW_PASSWORD,
    TOTP,
    Secret,
    log,
    fmt,
    pct,
    results,
    row,
    verdict,
    execFileText,
    serviceEnv,
    step,
    countTips,
    state,
  } = ctx;
  const { pool, service, benchDbUrl } = ctx.state;
  if (state.setupOk) {
    await step('5 triage', async () => {
      const triage = { seedRows: CFG.seedRows, http: {}, sql: {} };
      results.steps.triage = triage;

      // The tips posted by steps 2 and 4 (all new, untagged, this minute) have been
      // counted: remove them so the queue is exactly the seeded mix, whatever the intake
      // rate was. (Left on top of the queue, they make a tag filter walk past all of them.)
      // TRUNCATE, not DELETE: tip.duplicate_of has no index, so each deleted row makes
      // PostgreSQL scan the whole table for rows pointing at it (53,000 rows: 150 s).
      triage.intakeRowsRemoved = await countTips();
      await pool.query('TRUNCATE tip CASCADE');
      log(`  removed the ${fmt(triage.intakeRowsRemoved)} tips posted by the intake steps`);

      // Seed (one INSERT ... SELECT per batch, only to report progress). Public tips,
      // minute-precision times, newest now, 4 per minute going back; realistic mix of
      // statuses (mostly closed), priorities and tags (apt29 on 3 %, dprk on 0.2 %).
      const batch = Math.min(CFG.seedRows, 100_000);
      const seedStart = performance.now();
      const seeder = await pool.connect();
      try {
        await seeder.query('SET synchronous_commit = off');
        await seeder.query('SELECT setseed(0.42)');
        for (let lo = 1; lo <= CFG.seedRows; lo += batch) {
          const hi = Math.min(CFG.seedRows, lo + batch - 1);
          await seeder.query(
            `INSERT INTO tip (id, reference, channel, partner_id, category, submitter_urgency, received_at,
                                status, priority, severity, tlp, confidence, tags, payload_bytes, key_fingerprints, payload)
               SELECT gen_random_uuid(),
                      'TIP-' || substr(lpad(i::text, 8, '0'), 1, 4) || '-' || substr(lpad(i::text, 8, '0'), 5, 4),
                      'public', NULL,
                      (ARRAY['terrorism','espionage','foreign-interference','cyber','proliferation','other'])[1 + (i % 6)],
                      (ARRAY['immediate-danger','days','weeks','unknown'])[1 + ((i / 7) % 4)],
                      date_trunc('minute', now()) - ((i / 4) * interval '1 minute'),
                      CASE WHEN r1 < 0.04 THEN 'new' WHEN r1 < 0.06 THEN 'triaging' WHEN r1 < 0.07 THEN 'escalated'
                           WHEN r1 < 0.15 THEN 'actioned' WHEN r1 < 0.40 THEN 'no_action' WHEN r1 < 0.42 THEN 'duplicate'
                           ELSE 'closed' END,
                      1 + floor(r2 * 4)::int,
                      CASE WHEN r2 < 0.5 THEN 1 + floor(r3 * 4)::int END,
                      (ARRAY['clear','green','amber','amber+strict','red'])[1 + floor(r3 * 5)::int],
                      CASE WHEN r3 < 0.5 THEN floor(r1 * 101)::int END,
                      CASE WHEN r3 < 0.01 THEN ARRAY['apt29','phishing'] WHEN r3 < 0.05 THEN ARRAY['phishing']
                           WHEN r3 < 0.10 THEN ARRAY['ransomware'] WHEN r3 < 0.12 THEN ARRAY['apt29']
                           WHEN r3 < 0.20 THEN ARRAY['osint','ddos'] WHEN r3 < 0.202 THEN ARRAY['dprk']
                           ELSE '{}'::text[] END,
                      512, ARRAY['X'], '\\x00'::bytea
               FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3 FROM generate_series($1::int, $2::int) AS i) s`,
            [lo, hi],
          );
          log(
            `  seeded ${fmt(hi)} / ${fmt(CFG.seedRows)} rows (${fmt(hi / ((performance.now() - seedStart) / 1000))} rows/s)`,
          );
        }
        await seeder.query('VACUUM (ANALYZE) tip');
      } finally {
        seeder.release();
      }
      triage.seedSeconds = (performance.now() - seedStart) / 1000;
      triage.totalRows = await countTips();
      log(
        `  ${fmt(triage.totalRows)} tips after seeding + VACUUM ANALYZE in ${fmt(triage.seedSeconds, 1)} s`,
      );

      // A lead, through the real path: tipctl, login with TOTP, forced password change.
      const out = await execFileText(
        process.execPath,
        [
          join(DIST, 'cli', 'tipctl.js'),
          'users',
          'create',
          '--username',
          'bench-lead',
          '--role',
          'lead',
        ],
        {
          cwd: ROOT,
          env: serviceEnv({ DATABASE_URL: benchDbUrl }),
        },
      );
      const otp = /one-time password\s+(\S+)/.exec(out)?.[1];
      const secret = /TOTP secret\s+otpauth:\/\/\S*?[?&]secret=([A-Z2-7]+)/i.exec(out)?.[1];
      if (!otp || !secret)
        throw new Error(
          `could not parse tipctl output (one-time password / TOTP secret lines missing)`,
        );
      const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 }).generate();
      const post = async (path, body, token) => {
        const res = await fetch(`${service.url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      };
      const login = await post('/v1/auth/sessions', {
        username: 'bench-lead',
        password: otp,
        totp,
      });
      if (login.status !== 201)
        throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
      const token = login.body.token;
      const changed = await post(
        '/v1/auth/password',
        { currentPassword: otp, newPassword: NEW_PASSWORD },
        token,
      );
      if (changed.status !== 204)
        throw new Error(
          `password change answered ${changed.status}: ${JSON.stringify(changed.body)}`,
        );
      const auth = { authorization: `Bearer ${token}` };
      const get = async (query) => {
        const res = await fetch(`${service.url}/v1/triage/tips${query}`, { headers: auth });
        const body = await res.json();
        if (res.status !== 200)
          throw new Error(
            `GET /v1/triage/tips${query} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`,
          );
        return body;
      };

      // Deep cursor: walk the public contract 200 rows at a time down to row N.
      const depth = Math.min(CFG.triageDepth, triage.totalRows - 100);
      let cursor = null;
      let seen = 0;
      let lastId;
      while (seen < depth) {
        const page = await get(
          `?limit=${Math.min(200, depth - seen)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen += page.tips.length;
        lastId = page.tips.at(-1)?.id;
        cursor = page.nextCursor;
        if (!cursor) throw new Error(`ran out of pages at ${seen} rows`);
      }
      const { TRIAGE_COLUMNS, TRIAGE_FROM } = await import(distUrl('tips/triage-row.js'));
      const at = (
        await pool.query(
          `SELECT t.id, to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS r
             FROM tip t ORDER BY t.received_at DESC, t.id DESC OFFSET $1 LIMIT 1`,
          [depth - 1],
        )
      ).rows[0];
      if (at.id !== lastId)
        throw new Error(`the cursor walk ended on ${lastId}, SQL row ${depth} is ${at.id}`);
      triage.deepCursorRow = depth;

      // The SQL the app runs (TipsRepository.listForTriage), default limit 50 -> LIMIT 51 (a parameter there).
      const byReceived = 't.received_at DESC, t.id DESC';
      const byPriority = 't.priority ASC, t.received_at DESC, t.id DESC';
      const sql = (where, order) =>
        `SELECT ${TRIAGE_COLUMNS} FROM ${TRIAGE_FROM} ${where ? `WHERE ${where}` : ''} ORDER BY ${order} LIMIT 51`;
      const cases = [
        { name: 'first page', query: '', sql: sql('', byReceived), params: [], budget: true },
        {
          name: `page ${fmt(depth)} rows deep (keyset cursor)`,
          query: `?cursor=${encodeURIComponent(cursor)}`,
          sql: sql('(t.received_at, t.id) < ($1::timestamptz, $2)', byReceived),
          params: [at.r, at.id],
          budget: true,
        },
        {
          name: 'status=new,triaging',
          query: '?status=new,triaging',
          sql: sql('t.status = ANY($1::text[])', byReceived),
          params: [['new', 'triaging']],
          budget: true,
        },
        {
          name: 'sort=priority',
          query: '?sort=priority',
          sql: sql('', byPriority),
          params: [],
          budget: true,
        },
        {
          name: 'tags=apt29',
          query: '?tags=apt29',
          sql: sql('t.tags @> $1::text[]', byReceived),
          params: [['apt29']],
          budget: true,
        },
        {
          name: 'tags=dprk (rare tag, 0.2 %; extra)',
          query: '?tags=dprk',
          sql: sql('t.tags @> $1::text[]', byReceived),
          params: [['dprk']],
          budget: false,
        },
        {
          name: 'status=new,triaging&sort=priority (extra)',
          query: '?status=new,triaging&sort=priority',
          sql: sql('t.status = ANY($1::text[])', byPriority),
          params: [['new', 'triaging']],
          budget: false,
        },
      ];
      for (const c of cases) {
        const page = await get(c.query);
        if (page.tips.length !== 50)
          throw new Error(`${c.name}: expected a full page of 50, got ${page.tips.length}`);
        const direct = await pool.query(c.sql, c.params);
        if (direct.rows[0]?.id !== page.tips[0].id)
          throw new Error(`${c.name}: the SQL here and the API disagree on the first row`);
        const plan = (await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${c.sql}`, c.params))
          .rows[0]['QUERY PLAN'][0];
        c.plan = describePlan(plan.Plan);
        c.explainMs = plan['Execution Time'];
        c.httpMs = [];
        c.sqlMs = [];
      }
      // Warm-up, then round-robin so every case sees the same conditions.
      for (let i = 0; i < 10; i++) for (const c of cases) await get(c.query);
      for (let i = 0; i < CFG.triageRuns; i++) {
        for (const c of cases) {
          const t = performance.now();
          await get(c.query);
          c.httpMs.push(performance.now() - t);
        }
      }
      const client = await pool.connect();
      try {
        for (let i = 0; i < 10; i++) for (const c of cases) await client.query(c.sql, c.params);
        for (let i = 0; i < CFG.triageRuns; i++) {
          for (const c of cases) {
            const t = performance.now();
            await client.query(c.sql, c.params);
            c.sqlMs.push(performance.now() - t);
          }
        }
      } finally {
        client.release();
      }
      for (const c of cases) {
        const h = { p50: pct(c.httpMs, 50), p95: pct(c.httpMs, 95), p99: pct(c.httpMs, 99) };
        const s = { p50: pct(c.sqlMs, 50), p95: pct(c.sqlMs, 95) };
        triage.http[c.name] = {
          ...h,
          runs: c.httpMs.length,
          query: `/v1/triage/tips${c.query.startsWith('?cursor') ? '?cursor=...' : c.query}`,
        };
        triage.sql[c.name] = { ...s, plan: c.plan, explainExecutionMs: c.explainMs, sql: c.sql };
        log(
          `  ${c.name}: HTTP p50 ${fmt(h.p50, 2)} / p95 ${fmt(h.p95, 2)} ms; SQL p50 ${fmt(s.p50, 2)} / p95 ${fmt(s.p95, 2)} ms; plan ${c.plan}`,
        );
        row(
          '5 triage',
          `GET /v1/triage/tips ${c.name}, ${fmt(triage.totalRows)} tips`,
          `p50 ${fmt(h.p50, 1)} / p95 ${fmt(h.p95, 1)} ms (SQL alone p50 ${fmt(s.p50, 1)} / p95 ${fmt(s.p95, 1)} ms)`,
          c.budget ? `p95 < ${BUDGET.triageP95Ms} ms` : '-',
          c.budget ? verdict(h.p95 < BUDGET.triageP95Ms) : 'info',
        );
      }
    });
  }
}
