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
  /**
   * Run first, in order, each only when the one before returned a row; the
   * change is written only when the last returns a row (a quota with room,
   * an Idempotency-Key not taken).
   */
  guards?: StatementPart[];
  /** The row the change is about, as CTE `change` (it must return its rows). */
  row: StatementPart;
  /** Written only together with the row. */
  alongside?: StatementPart[];
}

/**
 * `WITH guard_1 AS (...), change AS (...), also_1 AS (...)`: the text a
 * statement about the change continues (with more CTEs and its final query,
 * which reads `change`), its name and values. `guardsPassed` is an SQL
 * expression for the final query: how many guards returned a row (the first
 * that did not is the one that refused).
 */
export function changeCtes(pieces: ChangePieces): Statement & { guardsPassed: string } {
  const values: unknown[] = [];
  const ctes: string[] = [];
  const names: string[] = [];
  const passed: string[] = [];
  let onlyIf = 'true';
  for (const [i, guard] of (pieces.guards ?? []).entries()) {
    ctes.push(`guard_${i + 1} AS (${guard.sql(values, onlyIf)})`);
    names.push(guard.name);
    onlyIf = `EXISTS (SELECT 1 FROM guard_${i + 1})`;
    passed.push(`(${onlyIf})::integer`);
  }
  ctes.push(`change AS (${pieces.row.sql(values, onlyIf)})`);
  names.push(pieces.row.name);
  for (const [i, part] of (pieces.alongside ?? []).entries()) {
    ctes.push(`also_${i + 1} AS (${part.sql(values, 'EXISTS (SELECT 1 FROM change)')})`);
    names.push(part.name);
  }
  return {
    name: names.join('+'),
    text: `WITH ${ctes.join(',\n')}`,
    values,
    guardsPassed: passed.length > 0 ? passed.join(' + ') : '0',
  };
}
