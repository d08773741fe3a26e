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
