import request from 'supertest';
import { RetentionJobs } from '../src/retention/retention.jobs.js';
import { startTestApp, type TestApp } from './support/app.js';
import { q, tipIdOf } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

/** Retention through pg-boss with two instances on one database: each due tip is purged once. */
describe('retention', () => {
  let a: TestApp;
  let b: TestApp;
  let lead: StaffLogin;

  beforeAll(async () => {
    const key = (await makeTestKey()).publicKeyPath;
    a = await startTestApp([key], { BACKGROUND_JOBS: 'true', RETENTION_DAYS: '30' });
    b = await startTestApp([key], { BACKGROUND_JOBS: 'true', RETENTION_DAYS: '30' });
    lead = await staffLogin(a, 'lead');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const submitAndClose = async (legalHold: boolean) => {
    const tip = await submitTip(a, { category: 'proliferation', narrative: 'old case' });
    const id = await tipIdOf(tip.reference);
    await request(a.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 1, status: 'triaging' })
      .expect(200);
    await request(a.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 2, status: 'no_action' })
      .expect(200);
    const closed = await request(a.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 3, status: 'closed', legalHold })
      .expect(200);
    return {
      id,
      reference: tip.reference,
      receipt: tip.receipt,
      purgeAfter: closed.body.purgeAfter as string,
    };
  };

  it('sets purge_after at closing and purges due tips with everything they own, except under legal hold', async () => {
    const due = await submitAndClose(false);
    const held = await submitAndClose(true);
    const days = (Date.parse(due.purgeAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    await request(a.server)
      .post(`/v1/triage/tips/${due.id}/notes`)
      .set(...bearer(lead))
      .send({ body: 'to go' })
      .expect(201);
    await request(a.server)
      .post(`/v1/triage/tips/${due.id}/replies`)
      .set(...bearer(lead))
      .send({ body: 'bye' })
      .expect(201);
    await q(`UPDATE tip SET purge_after = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [
      [due.id, held.id],
    ]);
    const [before] = await q<{ purged: string | null }>(
      `SELECT sum(purged) AS purged FROM retention_stat WHERE category = 'proliferation'`,
    );

    await a.app.get(RetentionJobs).runSoon();
    const deadline = Date.now() + 20_000;
    while ((await q('SELECT 1 FROM tip WHERE id = $1', [due.id])).length > 0) {
      if (Date.now() > deadline) {
        const jobs = await q<{ name: string; state: string; output: unknown }>(
          'SELECT name, state, output FROM pgboss.job',
        );
        throw new Error(`the retention job did not run within 20 s: ${JSON.stringify(jobs)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await q('SELECT 1 FROM note WHERE tip_id = $1', [due.id])).toHaveLength(0);
    expect(await q('SELECT 1 FROM message WHERE tip_id = $1', [due.id])).toHaveLength(0);
    expect(await q('SELECT 1 FROM tip WHERE id = $1', [held.id])).toHaveLength(1);

    const events = await q<{ details: object; actor_id: string | null }>(
      `SELECT details, actor_id FROM audit_event WHERE action = 'tip.purged' AND target_id = $1`,
      [due.id],
    );
    expect(events).toEqual([{ details: { reference: due.reference }, actor_id: null }]);
    const [after] = await q<{ purged: string }>(
      `SELECT sum(purged) AS purged FROM retention_stat WHERE category = 'proliferation'`,
    );
    expect(Number(after!.purged) - Number(before?.purged ?? 0)).toBe(1);

    // The receipt now opens nothing.
    await request(a.server)
      .post('/v1/follow-ups/status')
      .send({ receipt: due.receipt })
      .expect(404);
    expect(a.app.get(RetentionJobs).runs + b.app.get(RetentionJobs).runs).toBeGreaterThanOrEqual(1);
  });
});
