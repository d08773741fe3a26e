import type { AppConfig } from '../config/environment.js';
import type { EmbeddedDatabase } from './embedded-postgres.js';

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL under the data directory. */
export async function resolveDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, startedHere: false, stop: () => Promise.resolve() };
  }
  // Loaded only when needed: the package hooks process exit to stop its server.
  let embedded: typeof import('./embedded-postgres.js');
  try {
    embedded = await import('./embedded-postgres.js');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL (optional dependency embedded-postgres) is not installed',
      { cause: err },
    );
  }
  return embedded.startEmbeddedPostgres(config.dataDir, log);
}
