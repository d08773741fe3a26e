import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/environment.js';
import { armorMessage } from '../crypto/openpgp.js';
import { createDataSource } from '../database/data-source.js';
import { PrimaryReads } from '../database/read-database.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { Tip } from '../tips/tip.entity.js';
import { TIP_REFERENCE_PATTERN } from '../tips/tip-reference.js';
import { TipsRepository } from '../tips/tips.repository.js';
import { writeStdout } from './io.js';
import { registerTipsClientCommands } from './tips-client.command.js';
import { registerTipsExportCommands } from './export.command.js';
import { CliError } from './passphrase.js';

interface PayloadOptions {
  out?: string;
  armor?: boolean;
}

export function registerTipsCommands(program: Command): void {
  const tips = program.command('tips').description('tips: the triage queue, reading, updating');
  registerTipsClientCommands(tips);
  registerTipsExportCommands(tips);
  tips
    .command('payload')
    .description(
      "on the server host: write a tip's encrypted payload, read from the database (DATABASE_URL, or the embedded one under DATA_DIR)",
    )
    .argument('<reference>', 'e.g. TIP-7Q4K-2M9X')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--armor', 'ASCII-armored output instead of binary')
    .action(async (reference: string, options: PayloadOptions) => {
      const ref = reference.trim().toUpperCase();
      if (!TIP_REFERENCE_PATTERN.test(ref))
        throw new CliError('not a tip reference (TIP-XXXX-XXXX)');
      const config = loadConfig(process.env);
      const database = await resolveDatabase(config, (line) => process.stderr.write(`${line}\n`));
      const dataSource = createDataSource(database.url, 1);
      let payload: Buffer | null;
      try {
        await dataSource.initialize();
        const tips = new TipsRepository(
          dataSource.getRepository(Tip),
          dataSource,
          new PrimaryReads(dataSource),
        );
        payload = await tips.findPayloadByReference(ref);
      } finally {
        if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
        await database.stop();
      }
      if (payload === null)
        throw new CliError(
          `no tip ${ref}: check the reference (given to the submitter and in tipctl tips list)`,
        );
      const data = options.armor ? armorMessage(payload) : payload;
      if (options.out !== undefined) {
        await writeFile(options.out, data, { mode: 0o600 });
        process.stderr.write(`wrote ${ref} payload to ${options.out}\n`);
      } else {
        if (!options.armor && process.stdout.isTTY) {
          throw new CliError('refusing to write binary to a terminal: use --out FILE or --armor');
        }
        await writeStdout(data);
      }
    });
}
