#!/usr/bin/env node
/** tipctl: the analyst's and operator's command line. */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/environment.js';
import { KeyError } from '../crypto/openpgp.js';
import { registerDecryptCommand } from './decrypt.command.js';
import { registerKeysCommands } from './keys.command.js';
import { CliError } from './passphrase.js';
import { registerTipsCommands } from './tips.command.js';
import { registerAuditCommands } from './audit.command.js';
import { registerSessionCommands } from './session.command.js';
import { registerUsersCommands } from './users.command.js';
import { registerPartnersCommands } from './partners.command.js';
import { registerPowCommands } from './pow.command.js';

const program = new Command('tipctl')
  .description('Tipline command line: intake keys, local decryption, tips')
  .showHelpAfterError()
  .exitOverride();

registerKeysCommands(program);
registerDecryptCommand(program);
registerTipsCommands(program);
registerSessionCommands(program);
registerUsersCommands(program);
registerAuditCommands(program);
registerPartnersCommands(program);
registerPowCommands(program);

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    // Already reported on standard output (e.g. a failed verification).
    if ((err as { quiet?: boolean }).quiet) process.exit(1);
    const known = err instanceof CliError || err instanceof KeyError || err instanceof ConfigError;
    const message = known
      ? err.message
      : (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `file not found: ${(err as NodeJS.ErrnoException).path ?? ''}`
        : `unexpected error: ${(err as Error).message}`;
    // Explicit exit: a dependency's exit hook would otherwise turn the status into 0.
    process.stderr.write(`tipctl: ${message}\n`, () => process.exit(1));
  },
);
