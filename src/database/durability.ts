import type { DataSource } from 'typeorm';

export interface Durability {
  fsync: string;
  synchronousCommit: string;
}

export async function readDurability(dataSource: DataSource): Promise<Durability> {
  const [fsync] = await dataSource.query<Array<{ fsync: string }>>('SHOW fsync');
  const [sync] =
    await dataSource.query<Array<{ synchronous_commit: string }>>('SHOW synchronous_commit');
  return {
    fsync: fsync?.fsync ?? 'unknown',
    synchronousCommit: sync?.synchronous_commit ?? 'unknown',
  };
}

/**
 * "No acknowledged tip is lost" needs a database that flushes commits:
 * fsync on and synchronous_commit not off/local. Returns the problems found.
 */
export function durabilityProblems(d: Durability): string[] {
  const problems: string[] = [];
  if (d.fsync !== 'on') problems.push(`fsync is ${d.fsync}`);
  if (d.synchronousCommit === 'off' || d.synchronousCommit === 'local') {
    problems.push(`synchronous_commit is ${d.synchronousCommit}`);
  }
  return problems;
}
