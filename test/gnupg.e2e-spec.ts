import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { startTestApp, type TestApp } from './support/app.js';
import { withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { run } from './support/processes.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-gnupg-4e1d';

/**
 * Analysts are not tied to tipctl: a key made by GnuPG (2.2 on Debian, which
 * reads only v4 keys) works as an intake key and `gpg --decrypt` reads the payload.
 */
describe('GnuPG interoperability', () => {
  let home: string;
  let gpgKeyPath: string;
  let t: TestApp;
  let ours: TestKey;

  const gpg = (args: string[], input?: Buffer) =>
    run('gpg', ['--homedir', home, '--batch', '--no-tty', ...args], { input });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tipline-gpg-'));
    const gen = await gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-generate-key',
      'Analyst <analyst@tipline.invalid>',
      'future-default',
      'default',
      'never',
    ]);
    expect(gen.code).toBe(0);
    const exported = await gpg(['--armor', '--export', 'analyst@tipline.invalid']);
    expect(exported.code).toBe(0);
    gpgKeyPath = join(home, 'analyst-public.asc');
    await writeFile(gpgKeyPath, exported.stdout);
    // A v6 key beside it: GnuPG 2.2 skips the part it cannot read and still decrypts.
    ours = await makeTestKey('rfc9580');
    t = await startTestApp([gpgKeyPath, ours.publicKeyPath]);
  });

  afterAll(async () => {
    await t?.close();
    await run('gpgconf', ['--homedir', home, '--kill', 'all']);
    await rm(home, { recursive: true, force: true });
  });

  it('gpg --decrypt recovers a tip encrypted to a GnuPG-made key and a v6 key', async () => {
    const version = await gpg(['--version']);
    expect(version.stdout.toString()).toMatch(/gpg \(GnuPG\) 2\./);

    const narrative = `${CANARY} 🦆 \u0000 <b>&</b>`;
    const { reference } = await submitTip(t, { category: 'espionage', narrative });
    const payload = await withClient(async (c) => {
      const r = await c.query<{ payload: Buffer }>('SELECT payload FROM tip WHERE reference = $1', [
        reference,
      ]);
      return r.rows[0]!.payload;
    });
    const file = join(home, 'payload.pgp');
    await writeFile(file, payload);

    const decrypted = await gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--decrypt',
      file,
    ]);
    expect(decrypted.code).toBe(0);
    const content = JSON.parse(decrypted.stdout.toString('utf8')) as Record<string, string>;
    expect(content).toMatchObject({ reference, narrative, schema: 'tipline.tip/v1' });
    expect(await readFile(file)).toEqual(payload);

    const ourCopy = Buffer.from(await decryptMessage(payload, ours.privateKey));
    expect(ourCopy.equals(decrypted.stdout)).toBe(true);
  });
});
