import type { AppConfig } from '../config/environment.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL under the data directory. */
export async function resolveDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, startedHere: false, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres(config.dataDir, log);
}
