import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a unique constraint that refused a row. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether `err` is PostgreSQL refusing a duplicate, optionally on one named
 * constraint. Works on TypeORM's `QueryFailedError` and on a raw `pg` error.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const driver = (err instanceof QueryFailedError ? err.driverError : err) as
    { code?: unknown; constraint?: unknown } | null | undefined;
  if (!driver || typeof driver !== 'object' || driver.code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || driver.constraint === constraint;
}
