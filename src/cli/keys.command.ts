import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { generateKeyPair, type KeyProfile } from '../crypto/openpgp.js';
import { CliError, obtainPassphrase } from './passphrase.js';

interface GenerateOptions {
  out: string;
  name: string;
  email?: string;
  profile: KeyProfile;
  passphraseFile?: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('intake key pairs');
  keys
    .command('generate')
    .description(
      'make a Curve25519 intake key pair; the public key goes to the server, the private key stays with analysts',
    )
    .requiredOption(
      '--out <dir>',
      'directory to write intake-public.asc, intake-private.asc and revocation.asc',
    )
    .option('--name <name>', 'user ID name', 'Tipline intake key')
    .option('--email <email>', 'user ID e-mail')
    .option(
      '--profile <profile>',
      'curve25519: v4 key (GnuPG 2.2, Sequoia, Thunderbird); rfc9580: v6 key with AEAD',
      'curve25519',
    )
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .action(async (options: GenerateOptions) => {
      if (options.profile !== 'curve25519' && options.profile !== 'rfc9580') {
        throw new CliError('--profile must be curve25519 or rfc9580');
      }
      const dir = resolve(options.out);
      const files = {
        publicKey: join(dir, 'intake-public.asc'),
        privateKey: join(dir, 'intake-private.asc'),
        revocation: join(dir, 'revocation.asc'),
      };
      for (const path of Object.values(files)) {
        if (await exists(path))
          throw new CliError(
            `${path} exists; refusing to overwrite a key: choose another --out folder`,
          );
      }
      const passphrase = await obtainPassphrase({
        file: options.passphraseFile,
        confirm: true,
        purpose: 'protect the new private key',
      });
      process.stderr.write(`Generating a ${options.profile} key pair...\n`);
      const pair = await generateKeyPair({
        name: options.name,
        email: options.email,
        passphrase,
        profile: options.profile,
      });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(files.privateKey, pair.privateKey, { mode: 0o600, flag: 'wx' });
      await writeFile(files.revocation, pair.revocationCertificate, { mode: 0o600, flag: 'wx' });
      await writeFile(files.publicKey, pair.publicKey, { mode: 0o644, flag: 'wx' });
      process.stdout.write(
        [
          `fingerprint  ${pair.fingerprint}`,
          `public key   ${files.publicKey}   (give to the server: INTAKE_PUBLIC_KEYS)`,
          `private key  ${files.privateKey}   (keep on analyst machines only, passphrase-protected)`,
          `revocation   ${files.revocation}   (store offline)`,
          '',
        ].join('\n'),
      );
    });
}
