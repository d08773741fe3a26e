import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * One parametrised SQL statement. `name` makes it a prepared statement on
 * each connection (parsed and planned once): the same name must always
 * carry the same text.
 */
export interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

/**
 * Runs one statement on its own, in autocommit: PostgreSQL makes a single
 * statement atomic, writable CTEs included, so a change and its outbox rows
 * written by one statement need no BEGIN and COMMIT (two round trips fewer).
 * It goes straight to the driver's pool, past TypeORM's query runner, and
 * resolves only after the commit. Errors are the driver's (`code`,
 * `constraint`), which isUniqueViolation and the 503 mapping read.
 */
export async function runStatement<R extends QueryResultRow>(
  dataSource: DataSource,
  statement: Statement,
): Promise<R[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return (await pool.query<R>(statement)).rows;
}
