import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
// Plain ESM loaded by Jest outside its transform: uses the build (npm test builds first).
import { startEmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';

/**
 * A fresh database for this run: on DATABASE_URL's server when it is set (CI),
 * otherwise on an embedded PostgreSQL in a temporary directory. Tests migrate it
 * with the real migrations when they start the app.
 */
export default async function globalSetup() {
  const external = process.env.DATABASE_URL;
  if (external !== undefined && external !== '') {
    const name = `tipline_test_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(external);
    url.pathname = `/${name}`;
    process.env.TEST_DATABASE_URL = url.toString();
    globalThis.__tiplineTestDatabase = {
      stop: async () => {
        const client = new pg.Client({ connectionString: external });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    };
    process.stderr.write(`\ne2e database: ${name} on DATABASE_URL's server\n`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'tipline-test-pg-'));
  const embedded = await startEmbeddedPostgres(dir);
  process.env.TEST_DATABASE_URL = embedded.url;
  globalThis.__tiplineTestDatabase = {
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  process.stderr.write(`\ne2e database: embedded PostgreSQL in ${dir}\n`);
}
