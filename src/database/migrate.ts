/** `npm run migration:run`: applies pending migrations to DATABASE_URL or the embedded database. */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/environment.js';
import { createDataSource } from './data-source.js';
import { resolveDatabase } from './resolve-database.js';
import { runMigrations } from './run-migrations.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await resolveDatabase(config, (line) => console.error(line));
  const dataSource = createDataSource(database.url, 2);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    console.log(
      applied.length === 0
        ? 'Schema is up to date; no migration to apply.'
        : `Applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join('\n')}`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`,
  );
  process.exitCode = 1;
});
