import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  listenOnLoopback,
  startTestApp,
  testDatabaseUrl,
  TEST_SERVER_SECRET,
  type TestApp,
} from './support/app.js';
import { withClient } from './support/database.js';
import { tipctl, type RunResult } from './support/processes.js';
import { awaitFreshTotpStep, codeFor, STRONG_PASSWORD, uniqueName } from './support/staff.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-tipctl-staff-7d';
const PASSPHRASE = 'analyst workstation key passphrase';

describe('tipctl for staff: bootstrap, login, triage, local decryption, audit', () => {
  let t: TestApp;
  let url: string;
  let dir: string;

  const host = { DATABASE_URL: '', SERVER_SECRET: TEST_SERVER_SECRET };

  function ok(res: RunResult): string {
    if (res.code !== 0) throw new Error(`tipctl failed (${res.code}): ${res.stderr}`);
    return res.stdout.toString();
  }

  async function bootstrap(role: string, configDir: string): Promise<string> {
    const username = uniqueName(role);
    const created = ok(
      await tipctl(['users', 'create', '--username', username, '--role', role], {
        ...host,
        DATABASE_URL: testDatabaseUrl(),
      }),
    );
    const password = /one-time password {2}(\S+)/.exec(created)![1]!;
    const secret = new URL(/TOTP secret {8}(\S+)/.exec(created)![1]!).searchParams.get('secret')!;
    expect(created).toMatch(/[▄▀█]/); // a QR code is drawn
    // The previous step's code: it must still be inside the accepted window when tipctl sends it.
    await awaitFreshTotpStep();
    const login = ok(
      await tipctl(['login', '--url', url, '--username', username, '--totp', codeFor(secret, -1)], {
        TIPCTL_CONFIG_DIR: configDir,
        TIPCTL_PASSWORD: password,
        TIPCTL_NEW_PASSWORD: STRONG_PASSWORD,
      }),
    );
    expect(login).toContain(`signed in to ${url} as ${username} (${role})`);
    return username;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tipline-tipctl-staff-'));
    const keyDir = join(dir, 'keys');
    await writeFile(join(dir, 'pass'), PASSPHRASE);
    ok(await tipctl(['keys', 'generate', '--out', keyDir, '--passphrase-file', join(dir, 'pass')]));
    t = await startTestApp([join(keyDir, 'intake-public.asc')]);
    url = await listenOnLoopback(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs the analyst workflow from the command line', async () => {
    const leadDir = join(dir, 'lead');
    await bootstrap('lead', leadDir);
    const env = { TIPCTL_CONFIG_DIR: leadDir };

    const { reference } = await submitTip(t, {
      category: 'foreign-interference',
      submitterUrgency: 'days',
      narrative: `${CANARY} narrative`,
    });

    const list = ok(await tipctl(['tips', 'list', '--status', 'new', '--limit', '200'], env));
    expect(list).toMatch(/^ID\s+REFERENCE\s+RECEIVED \(UTC\)\s+PRI\s+STATUS/);
    const line = list.split('\n').find((l) => l.includes(reference))!;
    expect(line).toMatch(/P2\s+new\s+foreign-interference/);
    const id = line.split(/\s+/)[0]!;
    expect(list).not.toContain(CANARY);

    const updated = JSON.parse(
      ok(
        await tipctl(
          [
            'tips',
            'update',
            id,
            '--assign',
            'me',
            '--status',
            'triaging',
            '--tags',
            'election,bots',
          ],
          env,
        ),
      ),
    );
    expect(updated).toMatchObject({ status: 'triaging', tags: ['bots', 'election'], version: 2 });

    ok(await tipctl(['tips', 'note', id, '--body', `${CANARY} note`], env));

    const thread = JSON.parse(
      ok(
        await tipctl(
          [
            'tips',
            'read',
            id,
            '--key',
            join(dir, 'keys', 'intake-private.asc'),
            '--passphrase-file',
            join(dir, 'pass'),
          ],
          env,
        ),
      ),
    );
    expect(thread.tip).toMatchObject({ reference, narrative: `${CANARY} narrative` });
    expect(thread.notes).toEqual([
      expect.objectContaining({ content: expect.objectContaining({ body: `${CANARY} note` }) }),
    ]);

    const stale = await tipctl(['tips', 'update', 'not-an-id', '--status', 'escalated'], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      'tipctl: No such tip: check the id or reference (tipctl tips list)\n',
    );

    ok(await tipctl(['logout'], env));
    const after = await tipctl(['tips', 'list'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('not logged in');
  });

  it('lets an admin create a partner and a key that works, then revoke it', async () => {
    const adminDir = join(dir, 'admin');
    await bootstrap('admin', adminDir);
    const env = { TIPCTL_CONFIG_DIR: adminDir };
    const partner = JSON.parse(
      ok(
        await tipctl(
          ['partners', 'create', '--name', uniqueName('Bank'), '--tips-per-day', '50'],
          env,
        ),
      ),
    );
    expect(partner).toMatchObject({ tipsPerDay: 50, requestsPerMinute: 60, disabled: false });
    const created = await tipctl(['partners', 'keys', 'create', partner.id, '--label', 'soc'], env);
    const apiKey = ok(created).trim();
    expect(apiKey).toMatch(/^tpk_[0-9a-f]{16}_/);
    expect(created.stderr).toContain('shown once');
    await request(t.server)
      .post('/v1/partner/tips')
      .set('Authorization', `Bearer ${apiKey}`)
      .set('Idempotency-Key', 'cli-1')
      .send({
        category: 'cyber',
        submitterUrgency: 'days',
        narrative: 'from the SOC',
        sourceRef: 'soc-1',
      })
      .expect(201);
    const listed = ok(await tipctl(['partners', 'keys', 'list', partner.id], env));
    expect(listed).toMatch(/tips:read,tips:submit {2}soc {2}active {2}last used 20/);
    ok(await tipctl(['partners', 'keys', 'revoke', partner.id, apiKey.slice(4, 20)], env));
    await request(t.server)
      .get('/v1/partner/usage')
      .set('Authorization', `Bearer ${apiKey}`)
      .expect(401);
  });

  it('verifies the audit chain locally and reports tampering', async () => {
    const auditorDir = join(dir, 'auditor');
    await bootstrap('auditor', auditorDir);
    const env = { TIPCTL_CONFIG_DIR: auditorDir };
    const good = ok(await tipctl(['audit', 'verify'], env));
    expect(good).toMatch(/^OK: \d+ events, chain intact; head [0-9a-f]{64}\n$/);
    const head = /head ([0-9a-f]{64})/.exec(good)![1]!;
    ok(await tipctl(['audit', 'verify', '--expect-head', head], env));

    const victim = await withClient(async (c) => {
      const row = await c.query<{ id: string; action: string }>(
        'SELECT id, action FROM audit_event ORDER BY id LIMIT 1 OFFSET 1',
      );
      await c.query('BEGIN');
      await c.query('SET LOCAL session_replication_role = replica');
      await c.query(`UPDATE audit_event SET action = 'tampered' WHERE id = $1`, [row.rows[0]!.id]);
      await c.query('COMMIT');
      return row.rows[0]!;
    });
    try {
      const bad = await tipctl(['audit', 'verify'], env);
      // 3: a check found a problem (tipctl --help lists the exit codes).
      expect(bad.code).toBe(3);
      expect(bad.stdout.toString()).toContain(
        `FAIL: audit chain broken at event ${victim.id} (hash_mismatch)`,
      );
    } finally {
      await withClient(async (c) => {
        await c.query('BEGIN');
        await c.query('SET LOCAL session_replication_role = replica');
        await c.query('UPDATE audit_event SET action = $2 WHERE id = $1', [
          victim.id,
          victim.action,
        ]);
        await c.query('COMMIT');
      });
    }
  });
});
