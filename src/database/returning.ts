import type { EntityManager, DataSource } from 'typeorm';

/**
 * Rows of an UPDATE/DELETE ... RETURNING. TypeORM's postgres driver answers
 * those with [rows, affectedCount] (but plain rows for SELECT and INSERT).
 */
export async function returning<T>(
  db: EntityManager | DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await db.query<unknown>(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
