import type { Command } from 'commander';
import { decryptMessage } from '../crypto/openpgp.js';
import { readInput, writeStdout } from './io.js';
import { loadPrivateKey } from './private-key.js';

interface DecryptOptions {
  key: string;
  passphraseFile?: string;
  raw?: boolean;
}

export function registerDecryptCommand(program: Command): void {
  program
    .command('decrypt')
    .description('decrypt a tip payload (binary or armored OpenPGP) with an intake private key')
    .argument('[file]', 'the message; - or nothing for standard input')
    .requiredOption('--key <file>', 'armored intake private key')
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .option('--raw', 'print the decrypted bytes exactly, without pretty-printing JSON')
    .action(async (file: string | undefined, options: DecryptOptions) => {
      const key = await loadPrivateKey(options.key, options.passphraseFile);
      const plaintext = await decryptMessage(await readInput(file), key);
      if (options.raw) {
        await writeStdout(plaintext);
        return;
      }
      const text = Buffer.from(plaintext).toString('utf8');
      let pretty: string;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        pretty = text;
      }
      await writeStdout(`${pretty}\n`);
    });
}
