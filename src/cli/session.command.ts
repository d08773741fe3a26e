import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { SessionDto } from '../auth/auth.dto.js';
import { api, forgetSession, loadSession, saveSession } from './client.js';
import { CliError, obtainSecret } from './passphrase.js';

interface LoginOptions {
  url: string;
  username: string;
  passwordFile?: string;
  newPasswordFile?: string;
  totp?: string;
}

async function readTotp(given: string | undefined): Promise<string> {
  const code = given ?? process.env.TIPCTL_TOTP;
  if (code) return code.trim();
  if (!process.stdin.isTTY)
    throw new CliError('a TOTP code is needed: use --totp CODE or TIPCTL_TOTP');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question('TOTP code: ')).trim();
  } finally {
    rl.close();
  }
}

export function registerSessionCommands(program: Command): void {
  program
    .command('login')
    .description(
      'sign in to a Tipline server; the session is kept in ~/.config/tipline/session.json (0600)',
    )
    .requiredOption('--username <name>', 'your username')
    .option('--url <url>', 'server address', process.env.TIPLINE_URL ?? 'http://127.0.0.1:3000')
    .option(
      '--password-file <file>',
      'read the password from this file (else TIPCTL_PASSWORD or a prompt)',
    )
    .option(
      '--new-password-file <file>',
      'the new password, when a one-time password must be replaced',
    )
    .option('--totp <code>', 'the current 6-digit code (else TIPCTL_TOTP or a prompt)')
    .action(async (options: LoginOptions) => {
      const password = await obtainSecret({
        file: options.passwordFile,
        env: 'TIPCTL_PASSWORD',
        prompt: 'Password: ',
      });
      const totp = await readTotp(options.totp);
      const session = await api<SessionDto>({ url: options.url }, 'POST', '/v1/auth/sessions', {
        username: options.username,
        password,
        totp,
      });
      if (session.mustChangePassword) {
        process.stderr.write(
          'This is a one-time password: choose a new one (at least 14 characters).\n',
        );
        const newPassword = options.newPasswordFile
          ? (await readFile(options.newPasswordFile, 'utf8')).replace(/\r?\n$/, '')
          : await obtainSecret({
              env: 'TIPCTL_NEW_PASSWORD',
              prompt: 'New password: ',
              confirm: true,
            });
        await api({ url: options.url, token: session.token }, 'POST', '/v1/auth/password', {
          currentPassword: password,
          newPassword,
        });
      }
      await saveSession({
        url: options.url,
        token: session.token,
        username: session.user.username,
        expiresAt: session.expiresAt,
      });
      process.stdout.write(
        `signed in to ${options.url} as ${session.user.username} (${session.user.role}) until ${session.expiresAt}\n`,
      );
    });

  program
    .command('logout')
    .description('end the session on the server and forget it here')
    .action(async () => {
      const session = await loadSession();
      await api(session, 'DELETE', '/v1/auth/sessions/current').catch(() => undefined);
      await forgetSession();
      process.stdout.write('signed out\n');
    });
}
