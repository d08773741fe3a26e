import type { AppConfig } from '../config/environment.js';
import type { EmbeddedDatabase, EmbeddedOptions } from './embedded-postgres.js';

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL under the data directory. */
export async function resolveDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  log: (line: string) => void,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, startedHere: false, stop: () => Promise.resolve() };
  }
  const embedded = await import('./embedded-postgres.js');
  return embedded.startEmbeddedPostgres(config.dataDir, log, undefined, options);
}
