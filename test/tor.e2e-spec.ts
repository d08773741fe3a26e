import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenersOf } from '../src/common/listeners/listeners.js';
import { isOnionV3Label } from '../src/common/listeners/onion-address.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { ROOT, run } from './support/processes.js';

// Debian's tor (package `tor`; .ci/run installs it). Every tor started here has
// DisableNetwork 1: without it tor dials relays on the internet at once.
const TOR = '/usr/bin/tor';
const required = process.env.CI !== undefined || process.env.TIPLINE_REQUIRE_TOR === '1';
const haveTor = existsSync(TOR);
if (!haveTor && !required) {
  process.stderr.write(
    `SKIPPED test/tor.e2e-spec.ts: ${TOR} is missing (apt-get install tor); CI fails instead.\n`,
  );
}
const describeTor = haveTor || required ? describe : describe.skip;

/** Options that keep tor off the network, whatever a torrc says (command line wins). */
const OFFLINE = ['--DisableNetwork', '1', '--SocksPort', '0', '--defaults-torrc', '/dev/null'];

async function waitFor(what: string, deadlineMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const nonEmpty = (path: string) =>
  stat(path).then(
    (s) => s.size > 0,
    () => false,
  );

describeTor('onion service with Debian tor (DisableNetwork 1)', () => {
  let t: TestApp;
  let onionPort: number;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath], {
      PUBLIC_LISTEN: '127.0.0.1:0',
      STAFF_LISTEN: '127.0.0.1:0',
      ONION_LISTEN: '127.0.0.1:0',
    });
    const listening = await listenersOf(t.app).listen((address) => t.app.listen(address));
    onionPort = Number(new URL(listening.find((l) => l.name === 'onion')!.url).port);
    dir = await mkdtemp(join(tmpdir(), 'tipline-tor-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts the torrc of the compose profile', async () => {
    // The shipped file, with its directories moved here; --verify-config starts nothing.
    const result = await run(TOR, [
      '--verify-config',
      '-f',
      join(ROOT, 'docker/tor/torrc'),
      ...OFFLINE,
      '--DataDirectory',
      join(dir, 'verify-data'),
      '--HiddenServiceDir',
      join(dir, 'verify-hs'),
      '--HiddenServicePort',
      `80 127.0.0.1:${onionPort}`,
    ]);
    expect([result.code, result.stdout.toString()]).toEqual([0, expect.stringContaining('valid')]);
  });

  it('creates the onion hostname and keys for the onion listener, then stops by its pid', async () => {
    const hs = join(dir, 'hs');
    const torrc = join(dir, 'torrc');
    await writeFile(
      torrc,
      [
        'DisableNetwork 1',
        'SocksPort 0',
        `DataDirectory ${join(dir, 'data')}`,
        `HiddenServiceDir ${hs}`,
        `HiddenServicePort 80 127.0.0.1:${onionPort}`,
        'Log notice stdout',
        '',
      ].join('\n'),
    );
    let output = '';
    const tor: ChildProcess = spawn(TOR, ['-f', torrc, ...OFFLINE], { stdio: 'pipe' });
    tor.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    tor.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((r) =>
      tor.on('exit', (code, signal) => r(signal ?? code)),
    );
    try {
      expect(tor.pid).toBeDefined();
      await waitFor('tor writes hostname and hs_ed25519_secret_key', 30_000, async () => {
        if (tor.exitCode !== null) throw new Error(`tor exited early:\n${output}`);
        return (
          (await nonEmpty(join(hs, 'hostname'))) && nonEmpty(join(hs, 'hs_ed25519_secret_key'))
        );
      });
      // The safety switch took effect: tor says it is not dialling anything.
      await waitFor('tor reports DisableNetwork', 10_000, () =>
        Promise.resolve(output.includes('DisableNetwork is set')),
      );

      const hostname = (await readFile(join(hs, 'hostname'), 'utf8')).trim();
      expect(hostname).toMatch(/^[a-z2-7]{56}\.onion$/);
      const label = hostname.slice(0, 56);
      expect(isOnionV3Label(label)).toBe(true); // our checksum code agrees with tor's
      // The address encodes the service's ed25519 public key (rend-spec-v3).
      const publicKeyFile = await readFile(join(hs, 'hs_ed25519_public_key'));
      expect(publicKeyFile.subarray(0, 29).toString('latin1')).toBe(
        '== ed25519v1-public: type0 ==',
      );
      const secretKeyFile = await readFile(join(hs, 'hs_ed25519_secret_key'));
      expect(secretKeyFile.subarray(0, 29).toString('latin1')).toBe(
        '== ed25519v1-secret: type0 ==',
      );
      expect(base32(label).subarray(0, 32)).toEqual(publicKeyFile.subarray(32, 64));
      // Tor keeps the keys to itself.
      expect((await stat(hs)).mode & 0o077).toBe(0);
    } finally {
      // Already gone (it exited early): the failure above says why; keep it.
      if (tor.exitCode === null && tor.signalCode === null) process.kill(tor.pid!, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const how = await Promise.race([
        exited,
        new Promise((r) => (timer = setTimeout(() => r('still running'), 10_000))),
      ]);
      clearTimeout(timer);
      if (how === 'still running') process.kill(tor.pid!, 'SIGKILL');
      expect(how).not.toBe('still running');
    }
  });
});

function base32(text: string): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
