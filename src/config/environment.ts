import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from './app-config.js';
import {
  checkProduction,
  checkUrls,
  describeErrors,
  readAddressLists,
  readKeyPaths,
  readListenPlan,
  readOnionLocation,
  readRetrySchedule,
} from './config-checks.js';
import { EnvironmentVariables, type NodeEnv } from './environment-variables.js';

export type { AppConfig, ListenAddress, ListenPlan, PublicSiteConfig } from './app-config.js';
export type { LogFormat, LogLevel, NodeEnv } from './environment-variables.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment. Throws ConfigError listing every problem;
 * messages never contain the offending value.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): AppConfig {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const vars = plainToInstance(EnvironmentVariables, blankToUndefined, {
    excludeExtraneousValues: false,
  });
  const problems = describeErrors(validateSync(vars, { whitelist: true }));
  const { proxies, origins } = readAddressLists(vars, problems);
  checkUrls(vars, problems);
  const listen = readListenPlan(vars, problems);
  const onionLocation = readOnionLocation(vars, problems);
  const retrySchedule = readRetrySchedule(vars, problems);

  const nodeEnv: NodeEnv = vars.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const keyPaths = readKeyPaths(vars, cwd);
  if (production) checkProduction(vars, keyPaths, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = vars.DATA_DIR ?? '.data';
  return {
    nodeEnv,
    production,
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: vars.DATABASE_URL,
    databasePoolSize: vars.DATABASE_POOL_SIZE ?? 10,
    databaseReadUrl: vars.DATABASE_READ_URL,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    intakePublicKeyPaths: keyPaths,
    intakeKeyRefreshMs: vars.INTAKE_KEY_REFRESH_MS ?? 5000,
    serverSecret: vars.SERVER_SECRET,
    logLevel: vars.LOG_LEVEL ?? 'info',
    logFormat: vars.LOG_FORMAT ?? 'auto',
    shutdownGraceMs: (vars.SHUTDOWN_GRACE_SECONDS ?? 10) * 1000,
    encryptionThreads: vars.ENCRYPTION_THREADS ?? availableParallelism(),
    encryptionTasksPerThread: vars.ENCRYPTION_TASKS_PER_THREAD ?? 4,
    redisUrl: vars.REDIS_URL,
    trustedProxies: proxies,
    corsOrigins: origins,
    powDifficulty: vars.POW_DIFFICULTY ?? (production ? 18 : 0),
    publicRateLimit: vars.PUBLIC_RATE_LIMIT ?? 60,
    healthRateLimit: vars.HEALTH_RATE_LIMIT ?? 1200,
    retentionDays: vars.RETENTION_DAYS ?? 90,
    backgroundJobs: (vars.BACKGROUND_JOBS ?? 'true') === 'true',
    metricsToken: vars.METRICS_TOKEN,
    webhookAllowPrivate: vars.WEBHOOK_ALLOW_PRIVATE === 'true',
    webhookRetrySchedule: retrySchedule,
    attachmentMaxBytes: (vars.ATTACHMENT_MAX_MB ?? 100) * 1024 * 1024,
    uploadMaxBytes: (vars.UPLOAD_MAX_MB ?? 250) * 1024 * 1024,
    publicSite: {
      enabled: (vars.PUBLIC_SITE ?? 'on') === 'on',
      organisationName: vars.ORGANISATION_NAME ?? 'Tipline',
      emergencyNotice: {
        en: vars.EMERGENCY_NOTICE_EN,
        cy: vars.EMERGENCY_NOTICE_CY,
        pl: vars.EMERGENCY_NOTICE_PL,
        ar: vars.EMERGENCY_NOTICE_AR,
      },
      formTokenMs: (vars.SITE_FORM_TOKEN_HOURS ?? 24) * 3_600_000,
      minSubmitMs: (vars.SITE_MIN_SECONDS ?? 3) * 1000,
      noJsPerHour: vars.SITE_NOJS_RATE_LIMIT ?? 20,
    },
    listen,
    partnerListener: vars.PARTNER_LISTENER ?? 'public',
    onionLocation,
    onionRateLimit: vars.ONION_RATE_LIMIT ?? 0,
    httpIdleTimeoutMs: (vars.HTTP_IDLE_TIMEOUT_S ?? 30) * 1000,
    bodyTimeoutMs: (vars.BODY_TIMEOUT_S ?? 30) * 1000,
    uploadConcurrency: vars.UPLOAD_CONCURRENCY ?? 8,
    databaseStatementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000,
    databaseIdleTransactionTimeoutMs: vars.DATABASE_IDLE_TRANSACTION_TIMEOUT_MS ?? 10_000,
  };
}
