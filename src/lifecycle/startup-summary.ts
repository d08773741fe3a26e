import type { Logger } from 'pino';
import type { AppConfig } from '../config/environment.js';

export interface StartupFacts {
  config: Pick<AppConfig, 'nodeEnv' | 'databaseUrl' | 'powDifficulty'>;
  /** Where the HTTP server listens (e.g. http://127.0.0.1:3000). */
  url: string;
  readyMs: number;
  database: { url: string; startedHere: boolean; dataDirectory?: string };
  keys: { fingerprint: string; version: number }[];
  devPrivateKeyPath?: string;
  /** Whether the public web pages are served (PUBLIC_SITE). */
  publicSite?: boolean;
}

/** `host:port/database` of a PostgreSQL URL: never its user, password or parameters. */
export function describeDatabaseHost(url: string): string {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    return `${u.hostname}:${u.port || '5432'}${database ? `/${database}` : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** The few lines a person needs after a start, in place of Nest's route listing. */
export function startupSummary(facts: StartupFacts): { fields: object; msg: string }[] {
  const { config, database } = facts;
  const embedded = config.databaseUrl === undefined;
  const where = describeDatabaseHost(database.url);
  const lines: { fields: object; msg: string }[] = [];

  lines.push(
    embedded
      ? {
          fields: { database: { kind: 'embedded', dataDirectory: database.dataDirectory } },
          msg: `database: embedded PostgreSQL 17 on ${where.split('/')[0]}, data in ${database.dataDirectory ?? '?'}${database.startedHere ? '' : ' (reused the server already running there)'}`,
        }
      : { fields: { database: { kind: 'external', host: where } }, msg: `database: ${where}` },
  );

  const dev = facts.devPrivateKeyPath !== undefined;
  lines.push({
    fields: { intakeKeys: facts.keys.map((k) => ({ fingerprint: k.fingerprint, v: k.version })) },
    msg: `intake keys: ${facts.keys.map((k) => `${k.fingerprint} (v${k.version}${dev ? ', development key' : ''})`).join(', ')}`,
  });
  if (dev) {
    lines.push({
      fields: { devPrivateKey: facts.devPrivateKeyPath },
      msg: `development private key: ${facts.devPrivateKeyPath} (npx tipctl decrypt --key <that file> <payload>)`,
    });
  }

  const pow = config.powDifficulty === 0 ? 'off' : `${config.powDifficulty} bits`;
  const site =
    facts.publicSite === undefined ? '' : `; public site: ${facts.publicSite ? 'on' : 'off'}`;
  lines.push({
    fields: { proofOfWork: config.powDifficulty, publicSite: facts.publicSite },
    msg: `proof of work: ${pow}${site}`,
  });

  // Last: whoever waits for "listening on" then has the whole summary.
  const seconds = (facts.readyMs / 1000).toFixed(1);
  lines.push({
    fields: { env: config.nodeEnv, readyMs: facts.readyMs },
    msg: `Tipline listening on ${facts.url} (${config.nodeEnv}, ready in ${seconds} s)`,
  });
  return lines;
}

export function logStartupSummary(logger: Logger, facts: StartupFacts): void {
  // The fields sit under `summary`, which the readable form leaves out (the message says it all).
  for (const line of startupSummary(facts)) logger.info({ summary: line.fields }, line.msg);
}
