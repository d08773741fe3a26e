/** `npm run migration:run`: applies pending migrations to DATABASE_URL or the embedded database. */
import 'reflect-metadata';
import { createLogger, resolveLogFormat } from '../common/logging/logger.js';
import { ConfigError, loadConfig } from '../config/environment.js';
import { createDataSource } from './data-source.js';
import { resolveDatabase } from './resolve-database.js';
import { runMigrations } from './run-migrations.js';

// Migration names only, through the service's logger (same redaction, same formats).
const logger = createLogger(
  'info',
  undefined,
  resolveLogFormat('auto', process.stdout.isTTY === true, process.env.NODE_ENV === 'production'),
);

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await resolveDatabase(config, (line) => logger.info(line));
  const dataSource = createDataSource(database.url, 2);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.info(
      { migrations: applied },
      applied.length === 0
        ? 'schema is up to date; no migration to apply'
        : `applied ${applied.length} migration(s): ${applied.join(', ')}`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  logger.error(
    err instanceof ConfigError ? err.message : `migration failed: ${(err as Error).message}`,
  );
  process.exitCode = 1;
});
