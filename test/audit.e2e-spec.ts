import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { withClient } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';

describe('audit trail', () => {
  let t: TestApp;
  let auditor: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    auditor = await staffLogin(t, 'auditor');
    await staffLogin(t, 'analyst');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records logins with the staff address and pages newest first', async () => {
    const res = await request(t.server)
      .get('/v1/audit/events?limit=3')
      .set(...bearer(auditor))
      .expect(200);
    expect(res.body.events).toHaveLength(3);
    const ids = res.body.events.map((e: { id: string }) => BigInt(e.id));
    expect(ids[0] > ids[1] && ids[1] > ids[2]).toBe(true);
    const next = await request(t.server)
      .get(`/v1/audit/events?limit=3&cursor=${res.body.nextCursor}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(BigInt(next.body.events[0].id)).toBeLessThan(ids[2]);

    const logins = await request(t.server)
      .get('/v1/audit/events?action=auth.login_succeeded&limit=50')
      .set(...bearer(auditor))
      .expect(200);
    expect(logins.body.events.length).toBeGreaterThan(0);
    for (const e of logins.body.events) {
      expect(e.ip).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('cannot be edited by the application, and a tampered row breaks verification', async () => {
    const ok = await request(t.server)
      .get('/v1/audit/verify')
      .set(...bearer(auditor))
      .expect(200);
    expect(ok.body).toMatchObject({ ok: true });
    expect(ok.body.checked).toBeGreaterThan(3);

    await withClient(async (c) => {
      await expect(
        c.query(`UPDATE audit_event SET action = 'x' WHERE id = (SELECT max(id) FROM audit_event)`),
      ).rejects.toThrow(/append-only/);
      await expect(c.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
      await expect(c.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
    });

    // A superuser bypassing the trigger (a stolen database) edits one event...
    const victim = await withClient(async (c) => {
      const row = await c.query<{ id: string; ip: string }>(
        `SELECT id, ip FROM audit_event WHERE action = 'auth.login_succeeded' ORDER BY id LIMIT 1`,
      );
      await c.query('BEGIN');
      await c.query(`SET LOCAL session_replication_role = replica`);
      await c.query(`UPDATE audit_event SET ip = '10.66.66.66' WHERE id = $1`, [row.rows[0]!.id]);
      await c.query('COMMIT');
      return row.rows[0]!;
    });
    try {
      const broken = await request(t.server)
        .get('/v1/audit/verify')
        .set(...bearer(auditor))
        .expect(200);
      expect(broken.body).toMatchObject({
        ok: false,
        firstBroken: { id: victim.id, reason: 'hash_mismatch' },
      });
    } finally {
      await withClient(async (c) => {
        await c.query('BEGIN');
        await c.query(`SET LOCAL session_replication_role = replica`);
        await c.query(`UPDATE audit_event SET ip = $2 WHERE id = $1`, [victim.id, victim.ip]);
        await c.query('COMMIT');
      });
    }
    const restored = await request(t.server)
      .get('/v1/audit/verify')
      .set(...bearer(auditor))
      .expect(200);
    expect(restored.body.ok).toBe(true);
  });
});
