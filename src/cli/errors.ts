import { CommanderError } from 'commander';
import { ConfigError } from '../config/environment.js';
import { KeyError } from '../crypto/openpgp.js';
import { CliError } from './passphrase.js';

/** tipctl's exit codes (listed in `tipctl --help`). */
export const EXIT = {
  ok: 0,
  /** The command failed; the error line says why and what to do. */
  failed: 1,
  /** Wrong usage: unknown command or option, missing or bad argument. */
  usage: 2,
  /** A check found a problem (audit verify), reported on standard output. */
  checkFailed: 3,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    the command failed; the error line says why and what to do next
  2    wrong usage (unknown command or option, missing argument): see tipctl <command> --help
  3    a check found a problem (audit verify: broken chain or head mismatch)
  130  interrupted (Ctrl-C)

Progress of long work (attachments, pow solve) is shown on standard error when it is a terminal.
`;

/** What to do next, for errors of the crypto module (shared with the server, so worded there without a CLI hint). */
const KEY_HINTS: [RegExp, string][] = [
  [/wrong passphrase/, 'check --passphrase-file or TIPCTL_PASSPHRASE'],
  [
    /^cannot decrypt with key/,
    'the data was encrypted to other keys: use the private key of one of its recipients',
  ],
  [/not an armored OpenPGP private key/, 'pass the private key file made by tipctl keys generate'],
  [/not an armored OpenPGP public key/, 'pass an armored public key (-----BEGIN PGP PUBLIC KEY'],
];

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}

/** One line for standard error, and the exit code, for anything a command threw. */
export function describeFailure(err: unknown): { line?: string; code: number } {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (see configureOutput in tipctl.ts).
    return { code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
  }
  // Already reported on standard output (e.g. a failed verification).
  if ((err as { quiet?: boolean }).quiet) return { code: EXIT.checkFailed };
  let message: string;
  if (err instanceof CliError) {
    message = err.message;
  } else if (err instanceof KeyError) {
    const hint = KEY_HINTS.find(([re]) => re.test(err.message))?.[1];
    message = hint ? `${err.message}: ${hint}` : err.message;
  } else if (err instanceof ConfigError) {
    message = `${oneLine(err.problems.join('\n'))}: fix the environment variable(s) named`;
  } else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    message = `file not found: ${(err as NodeJS.ErrnoException).path ?? ''}: check the path`;
  } else if ((err as NodeJS.ErrnoException).code === 'EACCES') {
    message = `permission denied: ${(err as NodeJS.ErrnoException).path ?? ''}: check the file's owner and mode`;
  } else {
    message = `unexpected error: ${(err as Error)?.message ?? String(err)} (please report it, with the command you ran)`;
  }
  return { line: `tipctl: ${oneLine(message)}\n`, code: EXIT.failed };
}
