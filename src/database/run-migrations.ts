import type { DataSource } from 'typeorm';

/** Arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = '7316802045339402181';

/**
 * Applies pending migrations, each in its own transaction, while holding a
 * session advisory lock so that instances starting together do not race.
 * Returns the names of the migrations applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
