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

/**
 * A piece of one statement (a writable CTE's body). `sql` appends its
 * parameters to `values` and returns its text; `onlyIf` is an SQL condition
 * the piece must also hold to (another piece's rows, e.g. the row it
 * accompanies). `name` must fix the text: it becomes part of the prepared
 * statement's name.
 */
export interface StatementPart {
  name: string;
  sql: (values: unknown[], onlyIf: string) => string;
}

/** `$n` for the next value, appended to `values`. */
export function param(values: unknown[], value: unknown): string {
  return `$${values.push(value)}`;
}

/** A change of several rows, as the CTEs that open one statement. */
export interface ChangePieces {
  /** Runs first; the change is written only when it returns a row (a quota with room). */
  guard?: StatementPart;
  /** The row the change is about, as CTE `change` (it must return its rows). */
  row: StatementPart;
  /** Written only together with the row. */
  alongside?: StatementPart[];
}

/**
 * `WITH guard AS (...), change AS (...), also_1 AS (...)`: the text a
 * statement about the change continues (with more CTEs and its final query,
 * which reads `change`), its name and values.
 */
export function changeCtes(pieces: ChangePieces): Statement {
  const values: unknown[] = [];
  const ctes: string[] = [];
  const names: string[] = [];
  if (pieces.guard) {
    ctes.push(`guard AS (${pieces.guard.sql(values, 'true')})`);
    names.push(pieces.guard.name);
  }
  ctes.push(
    `change AS (${pieces.row.sql(values, pieces.guard ? 'EXISTS (SELECT 1 FROM guard)' : 'true')})`,
  );
  names.push(pieces.row.name);
  for (const [i, part] of (pieces.alongside ?? []).entries()) {
    ctes.push(`also_${i + 1} AS (${part.sql(values, 'EXISTS (SELECT 1 FROM change)')})`);
    names.push(part.name);
  }
  return { name: names.join('+'), text: `WITH ${ctes.join(',\n')}`, values };
}
