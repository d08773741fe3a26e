import type { Command } from 'commander';
import QRCode from 'qrcode';
import { STAFF_ROLES, type StaffRole } from '../common/auth/roles.js';
import { CliError } from './passphrase.js';
import { withServerHost } from './server-host.js';

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('staff accounts (on the server host)');
  users
    .command('create')
    .description(
      'create a staff account; prints a one-time password and the TOTP secret (otpauth URI and QR code)',
    )
    .requiredOption('--username <name>', 'login name: a-z, 0-9, dot, underscore, hyphen')
    .requiredOption('--role <role>', STAFF_ROLES.join(' | '))
    .action(async (options: { username: string; role: string }) => {
      if (!(STAFF_ROLES as readonly string[]).includes(options.role)) {
        throw new CliError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      }
      const created = await withServerHost(({ users: service }) =>
        service.create(options.username, options.role as StaffRole, { actor: null, ip: null }),
      );
      const qr = await QRCode.toString(created.totpUri, { type: 'terminal', small: true });
      process.stdout.write(
        [
          `user               ${created.analyst.username} (${created.analyst.role}, id ${created.analyst.id})`,
          `one-time password  ${created.oneTimePassword}`,
          '                   (must be replaced at first login: tipctl login)',
          `TOTP secret        ${created.totpUri}`,
          '',
          'Scan with an authenticator app:',
          qr,
        ].join('\n'),
      );
    });
}
