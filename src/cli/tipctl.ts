#!/usr/bin/env node
/** tipctl: the analyst's and operator's command line. */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { registerDecryptCommand } from './decrypt.command.js';
import { describeFailure, EXIT, EXIT_CODES_HELP } from './errors.js';
import { registerKeysCommands } from './keys.command.js';
import { registerTipsCommands } from './tips.command.js';
import { registerAuditCommands } from './audit.command.js';
import { registerSessionCommands } from './session.command.js';
import { registerUsersCommands } from './users.command.js';
import { registerPartnersCommands } from './partners.command.js';
import { registerPowCommands } from './pow.command.js';

/** Commander's error text on one line, without its "error: " prefix. */
function usageText(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ');
}

/** The package's version: dist/src/cli/ -> the package root. */
function packageVersion(): string {
  for (const up of ['../../..', '../..']) {
    try {
      const pkg = JSON.parse(
        readFileSync(resolve(import.meta.dirname, up, 'package.json'), 'utf8'),
      ) as { name?: string; version?: string };
      if (pkg.name === 'tipline' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

const program = new Command('tipctl')
  .description('Tipline command line: intake keys, local decryption, tips')
  .version(packageVersion(), '-V, --version', 'print the version of tipctl')
  .addHelpText('after', EXIT_CODES_HELP)
  // Usage errors in one line, with where to look next (not the whole help).
  .configureOutput({
    outputError: (text, write) => write(`tipctl: ${usageText(text)}: see tipctl --help\n`),
  })
  .exitOverride();

registerKeysCommands(program);
registerDecryptCommand(program);
registerTipsCommands(program);
registerSessionCommands(program);
registerUsersCommands(program);
registerAuditCommands(program);
registerPartnersCommands(program);
registerPowCommands(program);

// Subcommands' usage errors too: exitOverride and the one-line output are not inherited.
for (const command of program.commands) inherit(command);
function inherit(command: Command): void {
  command.exitOverride().configureOutput({
    outputError: (text, write) =>
      write(`tipctl: ${usageText(text)}: see tipctl ${fullName(command)} --help\n`),
  });
  for (const sub of command.commands) inherit(sub);
}
function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

program.parseAsync(process.argv).then(
  () => process.exit(EXIT.ok),
  (err: unknown) => {
    const { line, code } = describeFailure(err);
    if (line === undefined) process.exit(code);
    else process.stderr.write(line, () => process.exit(code));
  },
);
