import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { keyFingerprintsOf, tipIdOf, withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import {
  bearer,
  firstLogin,
  staffLogin,
  totpSecretOf,
  uniqueName,
  type StaffLogin,
} from './support/staff.js';
import { submitTip } from './support/tips.js';

/** Logs in as an account made through the admin API, with the credentials the admin got back. */
function loginAs(
  t: TestApp,
  created: { user: { username: string }; oneTimePassword: string; totpUri: string },
): Promise<string> {
  return firstLogin(
    t,
    created.user.username,
    created.oneTimePassword,
    totpSecretOf(created.totpUri),
  );
}

async function auditActions(targetId: string): Promise<string[]> {
  return withClient(async (c) => {
    const r = await c.query<{ action: string }>(
      'SELECT action FROM audit_event WHERE target_id = $1 ORDER BY id',
      [targetId],
    );
    return r.rows.map((x) => x.action);
  });
}

describe('two people for anything that opens content', () => {
  let t: TestApp;
  let configured: TestKey;
  let admin: StaffLogin;
  let colleague: StaffLogin;
  let lead: StaffLogin;

  beforeAll(async () => {
    configured = await makeTestKey();
    t = await startTestApp([configured.publicKeyPath]);
    // Bootstrapped on the host (tipctl), as the first admin is.
    admin = await staffLogin(t, 'admin');
    colleague = await staffLogin(t, 'admin');
    lead = await staffLogin(t, 'lead');
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async () =>
    (
      await submitTip(t, {
        category: 'espionage',
        submitterUrgency: 'days',
        narrative: 'the attack',
      })
    ).reference;

  it('plays the attack of one admin alone: own key, a lead of their own, a payload: it needs two people', async () => {
    // 1. The admin adds a key of their own: pending, tips are not encrypted to it.
    const own = await makeTestKey();
    const added = await request(t.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await readFile(own.publicKeyPath, 'utf8') })
      .expect(201);
    expect(added.body.pending).toBe(true);
    const reference = await submit();
    expect(await keyFingerprintsOf(reference)).toEqual([configured.fingerprint]);
    const published = await request(t.server).get('/v1/intake-keys').expect(200);
    expect(published.body.keys.map((k: { fingerprint: string }) => k.fingerprint)).not.toContain(
      own.fingerprint,
    );
    // They cannot approve it themselves.
    const selfApproval = await request(t.server)
      .post(`/v1/admin/intake-keys/${own.fingerprint}/approval`)
      .set(...bearer(admin))
      .expect(403);
    expect(selfApproval.body.error.code).toBe('forbidden');

    // 2. They create a lead account and get its one-time credentials back.
    const made = await request(t.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send({ username: uniqueName('sock-puppet'), role: 'lead' })
      .expect(201);
    expect(made.body.user.rolePending).toBe(true);
    // 3. They log in as it: the account works, the role does not.
    const token = await loginAs(t, made.body);
    const me = await request(t.server)
      .get('/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body.role ?? me.body.user?.role).toBe('lead');
    const tipId = await tipIdOf(reference);
    // 4. Fetching a payload, or even the queue, is refused.
    for (const path of [`/v1/triage/tips/${tipId}/payload`, '/v1/triage/tips']) {
      const res = await request(t.server).get(path).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('approval');
    }
    // Nor can the admin make a second admin of their own to approve with: it is pending too.
    const puppetAdmin = await request(t.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send({ username: uniqueName('puppet-admin'), role: 'admin' })
      .expect(201);
    const puppetToken = await loginAs(t, puppetAdmin.body);
    await request(t.server)
      .post(`/v1/admin/intake-keys/${own.fingerprint}/approval`)
      .set('Authorization', `Bearer ${puppetToken}`)
      .expect(403);
    await request(t.server)
      .post(`/v1/admin/users/${made.body.user.id}/role-approval`)
      .set('Authorization', `Bearer ${puppetToken}`)
      .expect(403);
    // The requester cannot approve the role either.
    await request(t.server)
      .post(`/v1/admin/users/${made.body.user.id}/role-approval`)
      .set(...bearer(admin))
      .expect(403);

    // What waits is listed for leads and admins, with who asked and when it lapses.
    const pending = await request(t.server)
      .get('/v1/admin/approvals')
      .set(...bearer(lead))
      .expect(200);
    expect(pending.body.roleGrants.map((g: { user: { id: string } }) => g.user.id)).toEqual(
      expect.arrayContaining([made.body.user.id, puppetAdmin.body.user.id]),
    );
    const grant = pending.body.roleGrants.find(
      (g: { user: { id: string } }) => g.user.id === made.body.user.id,
    );
    expect(grant.requestedBy).toBe(admin.username);
    expect(Date.parse(grant.expiresAt) - Date.now()).toBeGreaterThan(71 * 3_600_000);
    expect(pending.body.intakeKeys.map((k: { fingerprint: string }) => k.fingerprint)).toContain(
      own.fingerprint,
    );

    // With a second person, both take effect.
    await request(t.server)
      .post(`/v1/admin/intake-keys/${own.fingerprint}/approval`)
      .set(...bearer(colleague))
      .expect(204);
    await request(t.server)
      .post(`/v1/admin/users/${made.body.user.id}/role-approval`)
      .set(...bearer(lead))
      .expect(200);
    expect(await keyFingerprintsOf(await submit())).toEqual([
      configured.fingerprint,
      own.fingerprint,
    ]);
    await request(t.server)
      .get(`/v1/triage/tips/${tipId}/payload`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);

    // Every lead (and anyone) sees the new recipient, with when and by whom it was approved.
    const keys = await request(t.server).get('/v1/intake-keys').expect(200);
    const listed = keys.body.keys.find(
      (k: { fingerprint: string }) => k.fingerprint === own.fingerprint,
    );
    expect(listed).toMatchObject({ source: 'admin', approvedBy: colleague.username });
    expect(Date.parse(listed.approvedAt)).toBeGreaterThan(Date.now() - 60_000);

    // All of it is in the audit trail.
    expect(await auditActions(own.fingerprint)).toEqual([
      'intake_key.added',
      'intake_key.approved',
    ]);
    expect(await auditActions(made.body.user.id)).toEqual([
      'user.created',
      'auth.password_changed',
      'user.role_approved',
    ]);
  });

  it('lets requests lapse: an expired one cannot be approved', async () => {
    const made = await request(t.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send({ username: uniqueName('late'), role: 'analyst' })
      .expect(201);
    await withClient((c) =>
      c.query(`UPDATE analyst SET role_requested_at = now() - interval '73 hours' WHERE id = $1`, [
        made.body.user.id,
      ]),
    );
    const late = await request(t.server)
      .post(`/v1/admin/users/${made.body.user.id}/role-approval`)
      .set(...bearer(lead))
      .expect(409);
    expect(late.body.error.message).toContain('expired');
    const pending = await request(t.server)
      .get('/v1/admin/approvals')
      .set(...bearer(admin))
      .expect(200);
    expect(pending.body.roleGrants.map((g: { user: { id: string } }) => g.user.id)).not.toContain(
      made.body.user.id,
    );
  });
});
