import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { SessionsService } from '../auth/sessions.service.js';
import { UsersService } from '../auth/users.service.js';
import { loadConfig } from '../config/environment.js';
import { resolveServerSecret } from '../config/server-secret.js';
import { SecretBox } from '../crypto/secret-box.js';
import { createDataSource } from '../database/data-source.js';
import { PrimaryReads } from '../database/read-database.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { runMigrations } from '../database/run-migrations.js';

export interface ServerHost {
  dataSource: DataSource;
  users: UsersService;
  audit: AuditLog;
}

/**
 * For commands run on the server host: the service's own database
 * (DATABASE_URL or the embedded one), migrated, and its SERVER_SECRET.
 */
export async function withServerHost<T>(fn: (host: ServerHost) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const secret = await resolveServerSecret(config);
  const database = await resolveDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource(database.url, 2);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const audit = new AuditLog(dataSource, new PrimaryReads(dataSource));
    const users = new UsersService(
      dataSource,
      new SecretBox(secret, 'totp:v1'),
      audit,
      new SessionsService(dataSource),
    );
    return await fn({ dataSource, users, audit });
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}
