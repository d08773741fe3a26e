import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/app.js';
import { ROOT, tipctl } from './support/processes.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-tipctl-91bb';
const PASSPHRASE = 'a long passphrase for the test analyst key';

describe('tipctl', () => {
  let dir: string;
  let passFile: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tipline-tipctl-'));
    passFile = join(dir, 'passphrase');
    await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keys generate: a passphrase-protected v4 key pair, private file 0600, never overwritten', async () => {
    const out = join(dir, 'v4');
    const res = await tipctl(['keys', 'generate', '--out', out, '--passphrase-file', passFile]);
    expect(res.stderr).not.toContain(PASSPHRASE);
    expect(res.code).toBe(0);
    expect(res.stdout.toString()).toMatch(/fingerprint {2}[0-9A-F]{40}\n/);
    const privateKey = await readFile(join(out, 'intake-private.asc'), 'utf8');
    expect(privateKey).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    expect((await stat(join(out, 'intake-private.asc'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(out, 'intake-public.asc'), 'utf8')).toMatch(
      /^-----BEGIN PGP PUBLIC KEY BLOCK-----/,
    );

    const again = await tipctl(['keys', 'generate', '--out', out, '--passphrase-file', passFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; refusing to overwrite/);
    expect(await readFile(join(out, 'intake-private.asc'), 'utf8')).toBe(privateKey);
  });

  it('--version, exit codes in --help, and usage errors in one line with exit code 2', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const version = await tipctl(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.toString()).toBe(`${pkg.version}\n`);

    const help = await tipctl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(
      /Exit codes:\n {2}0 {4}done\n {2}1 {4}the command failed/,
    );

    const unknown = await tipctl(['tips', 'payload', 'TIP-0000-0000', '--no-such-option']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "tipctl: unknown option '--no-such-option': see tipctl tips payload --help\n",
    );
    const nothing = await tipctl(['no-such-command']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unreachable server: one line saying what to do, exit code 1', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const res = await tipctl(['pow', 'solve', '--url', `http://127.0.0.1:${closed}`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `tipctl: cannot reach http://127.0.0.1:${closed} (ECONNREFUSED): is the service running there? give the right address with --url or TIPLINE_URL\n`,
    );
  });

  it('pow solve shows no progress when standard error is not a terminal', async () => {
    const challenge = `${Buffer.from(JSON.stringify({ v: 1, n: 'x', d: 14, e: 0 })).toString('base64url')}.sig`;
    const res = await tipctl(['pow', 'solve', challenge]);
    expect(res.code).toBe(0);
    expect(res.stdout.toString()).toMatch(new RegExp(`^${challenge.replace('.', '\\.')}:\\d+\n$`));
    expect(res.stderr).toMatch(/^solved difficulty 14 in \d+ ms\n$/);
  });

  it('keys generate refuses to run without a passphrase source when not on a terminal', async () => {
    const res = await tipctl(['keys', 'generate', '--out', join(dir, 'nopass')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/a passphrase is needed/);
  });

  it('submit, export the payload from the database, decrypt it (v4 and v6 keys)', async () => {
    const v6dir = join(dir, 'v6');
    const gen = await tipctl(['keys', 'generate', '--out', v6dir, '--profile', 'rfc9580'], {
      TIPCTL_PASSPHRASE: PASSPHRASE,
    });
    expect(gen.code).toBe(0);
    t = await startTestApp([
      join(dir, 'v4', 'intake-public.asc'),
      join(v6dir, 'intake-public.asc'),
    ]);

    const narrative = `${CANARY} 🦆 \u0000 "quoted" \\ <tag>`;
    const { reference } = await submitTip(t, {
      category: 'cyber',
      submitterUrgency: 'days',
      narrative,
      contact: 'signal: +1 555',
    });

    const payloadFile = join(dir, 'payload.pgp');
    const exported = await tipctl(
      ['tips', 'payload', reference.toLowerCase(), '--out', payloadFile],
      {
        DATABASE_URL: testDatabaseUrl(),
      },
    );
    expect(exported.stderr).toContain(`wrote ${reference} payload`);
    expect(exported.code).toBe(0);

    for (const keyDir of [join(dir, 'v4'), v6dir]) {
      const raw = await tipctl([
        'decrypt',
        '--key',
        join(keyDir, 'intake-private.asc'),
        '--passphrase-file',
        passFile,
        '--raw',
        payloadFile,
      ]);
      expect(raw.stderr).toBe('');
      expect(raw.code).toBe(0);
      const content = JSON.parse(raw.stdout.toString('utf8')) as Record<string, string>;
      expect(content).toMatchObject({ reference, narrative, contact: 'signal: +1 555' });
    }

    // Armored, through standard input, pretty-printed by default.
    const armored = await tipctl(['tips', 'payload', reference, '--armor'], {
      DATABASE_URL: testDatabaseUrl(),
    });
    expect(armored.stdout.toString()).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    const pretty = await tipctl(
      ['decrypt', '--key', join(v6dir, 'intake-private.asc'), '-'],
      { TIPCTL_PASSPHRASE: PASSPHRASE },
      armored.stdout,
    );
    expect(pretty.code).toBe(0);
    expect(pretty.stdout.toString()).toContain(`\n  "reference": "${reference}",\n`);
  });

  it('decrypt reports a wrong passphrase and an unknown reference clearly', async () => {
    const wrong = await tipctl(
      ['decrypt', '--key', join(dir, 'v4', 'intake-private.asc'), join(dir, 'payload.pgp')],
      { TIPCTL_PASSPHRASE: 'not it' },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      'tipctl: wrong passphrase for the private key: check --passphrase-file or TIPCTL_PASSPHRASE\n',
    );

    const missing = await tipctl(['tips', 'payload', 'TIP-0000-0000', '--armor'], {
      DATABASE_URL: testDatabaseUrl(),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no tip TIP-0000-0000');

    const bad = await tipctl(['tips', 'payload', 'nonsense'], { DATABASE_URL: testDatabaseUrl() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a tip reference');
  });
});
