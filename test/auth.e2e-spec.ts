import request from 'supertest';
import { UsersService } from '../src/auth/users.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { withClient } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import {
  bearer,
  codeFor,
  staffLogin,
  STRONG_PASSWORD,
  totpSecretOf,
  uniqueName,
} from './support/staff.js';

describe('staff authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives unknown users, wrong passwords and wrong codes the same 401', async () => {
    const analyst = await staffLogin(t, 'analyst');
    const attempts = [
      { username: uniqueName('nobody'), password: STRONG_PASSWORD, totp: '123456' },
      { username: analyst.username, password: 'wrong password entirely', totp: analyst.code(1) },
      { username: analyst.username, password: STRONG_PASSWORD, totp: '000000' },
    ];
    const bodies = [];
    for (const a of attempts) {
      const res = await request(t.server).post('/v1/auth/sessions').send(a).expect(401);
      bodies.push(res.body);
    }
    expect(bodies[0]).toEqual({
      error: { code: 'unauthenticated', message: 'Invalid username, password or code.' },
    });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('accepts each TOTP code once', async () => {
    const analyst = await staffLogin(t, 'analyst');
    const code = analyst.code(1);
    await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: analyst.username, password: STRONG_PASSWORD, totp: code })
      .expect(201);
    await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: analyst.username, password: STRONG_PASSWORD, totp: code })
      .expect(401);
  });

  it('throttles failed logins per account, with Retry-After, without locking out others', async () => {
    const victim = await staffLogin(t, 'analyst');
    const other = await staffLogin(t, 'analyst');
    for (let i = 0; i < 5; i++) {
      await request(t.server)
        .post('/v1/auth/sessions')
        .send({ username: victim.username, password: 'not the password', totp: '111111' })
        .expect(401);
    }
    const blocked = await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: victim.username, password: STRONG_PASSWORD, totp: victim.code(1) })
      .expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('rate_limited');
    await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: other.username, password: STRONG_PASSWORD, totp: other.code(1) })
      .expect(201);
  });

  it('holds a one-time password session to the password change, and refuses weak passwords', async () => {
    const users = t.app.get(UsersService);
    const name = uniqueName('fresh');
    const created = await users.create(name, 'analyst', { actor: null, ip: null });
    const secret = totpSecretOf(created.totpUri);
    const login = await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: name, password: created.oneTimePassword, totp: codeFor(secret) })
      .expect(201);
    expect(login.body.mustChangePassword).toBe(true);
    expect(login.body.token).toMatch(/^tps_[A-Za-z0-9_-]{43}$/);
    const auth = bearer(login.body as { token: string });

    const held = await request(t.server)
      .get('/v1/triage/tips')
      .set(...auth)
      .expect(403);
    expect(held.body.error.code).toBe('password_change_required');
    await request(t.server)
      .get('/v1/auth/me')
      .set(...auth)
      .expect(200);

    for (const weak of ['short1!', 'passwordpassword', `${name}-is-my-password-ok`]) {
      const res = await request(t.server)
        .post('/v1/auth/password')
        .set(...auth)
        .send({ currentPassword: created.oneTimePassword, newPassword: weak })
        .expect(400);
      expect(res.body.error.details[0].field).toBe('newPassword');
      expect(JSON.stringify(res.body)).not.toContain(weak);
    }
    await request(t.server)
      .post('/v1/auth/password')
      .set(...auth)
      .send({ currentPassword: created.oneTimePassword, newPassword: STRONG_PASSWORD })
      .expect(204);
    await request(t.server)
      .get('/v1/triage/tips')
      .set(...auth)
      .expect(200);
  });

  it('stores tokens hashed and TOTP secrets sealed', async () => {
    const analyst = await staffLogin(t, 'analyst');
    await withClient(async (c) => {
      const sessions = await c.query<{ token_hash: Buffer }>(
        'SELECT token_hash FROM session WHERE analyst_id = $1',
        [analyst.id],
      );
      for (const s of sessions.rows)
        expect(s.token_hash.toString('latin1')).not.toContain(analyst.token);
      const row = await c.query<{ totp_secret: Buffer; password_hash: string }>(
        'SELECT totp_secret, password_hash FROM analyst WHERE id = $1',
        [analyst.id],
      );
      expect(row.rows[0]!.totp_secret.toString('latin1')).not.toContain(analyst.totpSecret);
      expect(row.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    });
  });

  it('ends a session at logout and every session of a disabled user at once', async () => {
    const admin = await staffLogin(t, 'admin');
    const analyst = await staffLogin(t, 'analyst');
    await request(t.server)
      .get('/v1/triage/tips')
      .set(...bearer(analyst))
      .expect(200);
    await request(t.server)
      .patch(`/v1/admin/users/${analyst.id}`)
      .set(...bearer(admin))
      .send({ disabled: true })
      .expect(200);
    await request(t.server)
      .get('/v1/triage/tips')
      .set(...bearer(analyst))
      .expect(401);
    // Re-enabling does not revive the old token.
    await request(t.server)
      .patch(`/v1/admin/users/${analyst.id}`)
      .set(...bearer(admin))
      .send({ disabled: false })
      .expect(200);
    await request(t.server)
      .get('/v1/triage/tips')
      .set(...bearer(analyst))
      .expect(401);

    const lead = await staffLogin(t, 'lead');
    await request(t.server)
      .delete('/v1/auth/sessions/current')
      .set(...bearer(lead))
      .expect(204);
    await request(t.server)
      .get('/v1/auth/me')
      .set(...bearer(lead))
      .expect(401);
  });

  it('refuses tokens past the idle timeout', async () => {
    const analyst = await staffLogin(t, 'analyst');
    await withClient((c) =>
      c.query(
        `UPDATE session SET last_seen_at = now() - interval '31 minutes' WHERE analyst_id = $1`,
        [analyst.id],
      ),
    );
    await request(t.server)
      .get('/v1/auth/me')
      .set(...bearer(analyst))
      .expect(401);
  });

  it('never returns hashes or secrets from the admin API', async () => {
    const admin = await staffLogin(t, 'admin');
    const res = await request(t.server)
      .get('/v1/admin/users')
      .set(...bearer(admin))
      .expect(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/argon2|passwordHash|totpSecret|tokenHash|secret=/);
    expect(Object.keys(res.body.users[0]).sort()).toEqual(
      [
        'createdAt',
        'disabled',
        'id',
        'mustChangePassword',
        'role',
        'roleApprovedAt',
        'rolePending',
        'username',
      ].sort(),
    );
  });
});
