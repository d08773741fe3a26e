import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { IntakeKeysService } from '../src/intake-keys/intake-keys.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { keyFingerprintsOf, q } from './support/database.js';
import { privateKeyArmored } from './support/key-fixtures.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

describe('admin: intake keys and users', () => {
  let a: TestApp;
  let b: TestApp;
  let configured: TestKey;
  let admin: StaffLogin;
  let secondAdmin: StaffLogin;

  beforeAll(async () => {
    configured = await makeTestKey();
    // Two instances on one database: a key added on A must reach B.
    a = await startTestApp([configured.publicKeyPath]);
    b = await startTestApp([configured.publicKeyPath]);
    admin = await staffLogin(a, 'admin');
    secondAdmin = await staffLogin(a, 'admin');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const submit = async (app: TestApp) =>
    (await submitTip(app, { narrative: 'rotation' })).reference;

  it('adds a key without restart, on every instance, and retires it', async () => {
    const added = await makeTestKey('rfc9580');
    const res = await request(a.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await readFile(added.publicKeyPath, 'utf8') })
      .expect(201);
    expect(res.body).toMatchObject({
      fingerprint: added.fingerprint,
      version: 6,
      source: 'admin',
      active: false,
      pending: true,
    });
    // Pending: encrypts nothing until a second admin approves it.
    expect(await keyFingerprintsOf(await submit(a))).toEqual([configured.fingerprint]);
    await request(a.server)
      .post(`/v1/admin/intake-keys/${added.fingerprint}/approval`)
      .set(...bearer(admin))
      .expect(403);
    await request(a.server)
      .post(`/v1/admin/intake-keys/${added.fingerprint}/approval`)
      .set(...bearer(secondAdmin))
      .expect(204);

    expect(await keyFingerprintsOf(await submit(a))).toEqual([
      configured.fingerprint,
      added.fingerprint,
    ]);
    // Instance B picks it up on its periodic reload (INTAKE_KEY_REFRESH_MS); here, at once.
    await b.app.get(IntakeKeysService).reload();
    const onB = await submit(b);
    expect(await keyFingerprintsOf(onB)).toEqual([configured.fingerprint, added.fingerprint]);
    // The encryption workers, which hold parsed keys, were given the new one: it opens the tip.
    for (const reference of [await submit(a), onB]) {
      const [row] = await q<{ payload: Buffer }>('SELECT payload FROM tip WHERE reference = $1', [
        reference,
      ]);
      const clear = JSON.parse(
        Buffer.from(await decryptMessage(row!.payload, added.privateKey)).toString('utf8'),
      ) as { reference: string };
      expect(clear.reference).toBe(reference);
    }

    const list = await request(a.server)
      .get('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .expect(200);
    // Other test files share the database: look at this test's keys only.
    const mine = list.body.keys
      .filter((k: { fingerprint: string }) =>
        [configured.fingerprint, added.fingerprint].includes(k.fingerprint),
      )
      .map((k: { fingerprint: string; source: string }) => [k.fingerprint, k.source]);
    expect(mine).toEqual([
      [configured.fingerprint, 'config'],
      [added.fingerprint, 'admin'],
    ]);

    await request(a.server)
      .delete(`/v1/admin/intake-keys/${added.fingerprint}`)
      .set(...bearer(admin))
      .expect(204);
    expect(await keyFingerprintsOf(await submit(a))).toEqual([configured.fingerprint]);
    await request(a.server)
      .delete(`/v1/admin/intake-keys/${configured.fingerprint}`)
      .set(...bearer(admin))
      .expect(409);
  });

  it('refuses a private key, garbage and a duplicate with clear errors', async () => {
    const priv = await request(a.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await privateKeyArmored() })
      .expect(422);
    expect(priv.body.error.message).toContain('PRIVATE');
    expect(JSON.stringify(priv.body)).not.toContain('BEGIN PGP');
    await request(a.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: 'not a key' })
      .expect(422);
    await request(a.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await readFile(configured.publicKeyPath, 'utf8') })
      .expect(409);
  });

  it('creates users with one-time credentials, changes roles, resets TOTP', async () => {
    const created = await request(a.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send({ username: `New.User-${Date.now()}`, role: 'analyst' })
      .expect(201);
    expect(created.body.user).toMatchObject({
      role: 'analyst',
      disabled: false,
      mustChangePassword: true,
    });
    expect(created.body.user.username).toMatch(/^new\.user-\d+$/);
    expect(created.body.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.body.totpUri).toMatch(
      /^otpauth:\/\/totp\/Tipline:new\.user-\d+\?.*secret=[A-Z2-7]+/,
    );

    const dup = await request(a.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send({ username: created.body.user.username, role: 'lead' })
      .expect(409);
    expect(dup.body.error.code).toBe('conflict');

    const id = created.body.user.id as string;
    const promoted = await request(a.server)
      .patch(`/v1/admin/users/${id}`)
      .set(...bearer(admin))
      .send({ role: 'lead' })
      .expect(200);
    expect(promoted.body).toMatchObject({ role: 'lead', rolePending: true });
    const reset = await request(a.server)
      .post(`/v1/admin/users/${id}/totp-reset`)
      .set(...bearer(admin))
      .expect(200);
    expect(reset.body.totpUri).not.toBe(created.body.totpUri);
    await request(a.server)
      .patch(`/v1/admin/users/${admin.id}`)
      .set(...bearer(admin))
      .send({ disabled: true })
      .expect(409);
  });

  it('gives admins no way to tip content', async () => {
    await request(a.server)
      .get('/v1/triage/tips')
      .set(...bearer(admin))
      .expect(403);
  });
});
