import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export class CliError extends Error {}

/**
 * A passphrase from --passphrase-file, then TIPCTL_PASSPHRASE, then the
 * terminal. Never from a command-line argument (it would show in `ps`).
 */
export async function obtainPassphrase(options: {
  file?: string;
  confirm?: boolean;
  purpose: string;
}): Promise<string> {
  if (options.file !== undefined) {
    const text = (await readFile(options.file, 'utf8')).replace(/\r?\n$/, '');
    if (text === '')
      throw new CliError(
        `the passphrase file ${options.file} is empty: write the passphrase in it`,
      );
    return text;
  }
  const fromEnv = process.env.TIPCTL_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(
      `a passphrase is needed to ${options.purpose}: use --passphrase-file FILE or TIPCTL_PASSPHRASE, or run in a terminal`,
    );
  }
  const first = await promptHidden(`Passphrase to ${options.purpose}: `);
  if (first === '') throw new CliError('an empty passphrase is not allowed: type one');
  if (options.confirm) {
    const second = await promptHidden('Repeat the passphrase: ');
    if (first !== second) throw new CliError('the passphrases do not match: run the command again');
  }
  return first;
}

/** A secret from a file, then an environment variable, then a hidden prompt. */
export async function obtainSecret(options: {
  file?: string;
  env: string;
  prompt: string;
  confirm?: boolean;
}): Promise<string> {
  if (options.file !== undefined) {
    const text = (await readFile(options.file, 'utf8')).replace(/\r?\n$/, '');
    if (text === '') throw new CliError(`${options.file} is empty`);
    return text;
  }
  const fromEnv = process.env[options.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(
      `${options.prompt.replace(/: $/, '')} needed: use a file option or ${options.env}`,
    );
  }
  const first = await promptHidden(options.prompt);
  if (options.confirm && (await promptHidden('Repeat: ')) !== first) {
    throw new CliError('the two entries do not match: run the command again');
  }
  return first;
}
