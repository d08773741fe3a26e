import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDataSource } from '../src/database/data-source.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { migrations } from '../migrations/index.js';
import { testDatabaseUrl } from './support/app.js';

/** Every migration applies, reverts with its `down`, and applies again, on an empty database. */
describe('migrations', () => {
  const name = `tipline_mig_${randomBytes(4).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: testDatabaseUrl() });
  let url: string;

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(testDatabaseUrl());
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  it('go up, all the way down, and up again; concurrent runners apply each once', async () => {
    // Two "instances" starting together.
    const ds = createDataSource(url, 3);
    const other = createDataSource(url, 3);
    await ds.initialize();
    await other.initialize();
    try {
      const tables = async () =>
        (
          await ds.query<Array<{ tablename: string }>>(
            `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations' ORDER BY 1`,
          )
        ).map((r) => r.tablename);

      const [a, b] = await Promise.all([runMigrations(ds), runMigrations(other)]);
      expect([...a, ...b]).toHaveLength(migrations.length);
      const schema = await tables();
      expect(schema).toEqual([
        'analyst',
        'api_key',
        'attachment',
        'attachment_chunk',
        'audit_event',
        'idempotency_record',
        'intake_key',
        'message',
        'note',
        'partner',
        'partner_daily_tips',
        'partner_signing_key',
        'pow_spent',
        'retention_stat',
        'session',
        'tip',
        'webhook_delivery',
        'webhook_endpoint',
      ]);

      for (let i = 0; i < migrations.length; i++)
        await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual([]);

      expect(await runMigrations(ds)).toHaveLength(migrations.length);
      expect(await tables()).toEqual(schema);
    } finally {
      await ds.destroy();
      await other.destroy();
    }
  });
});
