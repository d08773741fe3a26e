import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { testDatabaseUrl } from './app.js';

const run = promisify(execFile);

export async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The rows of one statement, on a connection of its own. */
export async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(async (c) => (await c.query(sql, params)).rows as T[]);
}

/** The id of the tip with this reference; fails when there is none. */
export async function tipIdOf(reference: string): Promise<string> {
  const [row] = await q<{ id: string }>('SELECT id FROM tip WHERE reference = $1', [reference]);
  if (!row) throw new Error(`no tip ${reference}`);
  return row.id;
}

/** The fingerprints of the keys a tip was encrypted to. */
export async function keyFingerprintsOf(reference: string): Promise<string[]> {
  const [row] = await q<{ key_fingerprints: string[] }>(
    'SELECT key_fingerprints FROM tip WHERE reference = $1',
    [reference],
  );
  if (!row) throw new Error(`no tip ${reference}`);
  return row.key_fingerprints;
}

/** Sessions of the service (application_name tipline) on this database that sit in a transaction. */
export async function idleInTransaction(): Promise<number> {
  const [row] = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'tipline'
        AND state LIKE 'idle in transaction%'`,
  );
  return row!.n;
}

export async function countTips(): Promise<number> {
  return withClient(async (c) => {
    const r = await c.query<{ n: string }>('SELECT count(*) AS n FROM tip');
    return Number(r.rows[0]!.n);
  });
}

/**
 * The whole database as text: `pg_dump` when its version can dump this server
 * (as on CI), else every table's rows through COPY (an embedded PostgreSQL 17
 * is newer than Debian's pg_dump 15). bytea comes out hex-encoded either way.
 */
export async function dumpDatabase(): Promise<{ text: string; tool: 'pg_dump' | 'copy' }> {
  try {
    const { stdout } = await run('pg_dump', ['--no-owner', testDatabaseUrl()], {
      maxBuffer: 512 * 1024 * 1024,
    });
    return { text: stdout, tool: 'pg_dump' };
  } catch {
    return withClient(async (c) => {
      const tables = await c.query<{ name: string }>(
        `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name
           FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      );
      const parts: string[] = [];
      for (const { name } of tables.rows) {
        const rows = await c.query(`SELECT t::text AS line FROM ${name} t`);
        parts.push(`-- ${name}`, ...rows.rows.map((r: { line: string }) => r.line));
      }
      return { text: parts.join('\n'), tool: 'copy' as const };
    });
  }
}

/** Forms in which leaked plaintext could sit in a dump. */
export function leakForms(canary: string): string[] {
  const bytes = Buffer.from(canary, 'utf8');
  return [canary, bytes.toString('hex'), bytes.toString('base64')];
}
