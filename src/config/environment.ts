import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { Type } from 'class-transformer';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseOnionOrigin } from '../common/listeners/onion-address.js';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: readable lines on a terminal outside production, JSON otherwise. */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The operator's contract: every variable the service reads, validated at boot. */
class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV?: NodeEnv;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @IsString()
  DATABASE_READ_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_DIR?: string;

  @IsOptional()
  @IsString()
  INTAKE_PUBLIC_KEYS?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SERVER_SECRET must be at least 32 characters long' })
  SERVER_SECRET?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  ENCRYPTION_THREADS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  ENCRYPTION_TASKS_PER_THREAD?: number;

  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4096)
  ATTACHMENT_MAX_MB?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(16384)
  UPLOAD_MAX_MB?: number;

  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(32)
  POW_DIFFICULTY?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  PUBLIC_RATE_LIMIT?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  HEALTH_RATE_LIMIT?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_DAYS?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  BACKGROUND_JOBS?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'METRICS_TOKEN must be at least 24 characters long' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_IDLE_TIMEOUT_S?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  BODY_TIMEOUT_S?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  UPLOAD_CONCURRENCY?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_IDLE_TRANSACTION_TIMEOUT_MS?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  WEBHOOK_ALLOW_PRIVATE?: 'true' | 'false';

  @IsOptional()
  @IsString()
  WEBHOOK_RETRY_SCHEDULE?: string;

  @IsOptional()
  @IsString()
  PUBLIC_LISTEN?: string;

  @IsOptional()
  @IsString()
  STAFF_LISTEN?: string;

  @IsOptional()
  @IsString()
  ONION_LISTEN?: string;

  @IsOptional()
  @IsIn(['public', 'staff'])
  PARTNER_LISTENER?: 'public' | 'staff';

  @IsOptional()
  @IsString()
  ONION_LOCATION?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  ONION_RATE_LIMIT?: number;

  @IsOptional()
  @IsIn(['on', 'off'])
  PUBLIC_SITE?: 'on' | 'off';

  @IsOptional()
  @IsString()
  @Length(1, 120, { message: 'ORGANISATION_NAME must be 1 to 120 characters long' })
  ORGANISATION_NAME?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1000, { message: 'EMERGENCY_NOTICE_EN must be 1 to 1000 characters long' })
  EMERGENCY_NOTICE_EN?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1000, { message: 'EMERGENCY_NOTICE_CY must be 1 to 1000 characters long' })
  EMERGENCY_NOTICE_CY?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1000, { message: 'EMERGENCY_NOTICE_PL must be 1 to 1000 characters long' })
  EMERGENCY_NOTICE_PL?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1000, { message: 'EMERGENCY_NOTICE_AR must be 1 to 1000 characters long' })
  EMERGENCY_NOTICE_AR?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  SITE_FORM_TOKEN_HOURS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600)
  SITE_MIN_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  SITE_NOJS_RATE_LIMIT?: number;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Where the service listens when it runs split. Empty: one listener at
 * HOST:PORT serving every route (as before the split existed).
 */
export interface ListenPlan {
  /** Public routes (clearnet, behind the proxy); partner routes too with PARTNER_LISTENER=public. */
  public?: ListenAddress;
  /** Staff, admin, audit, metrics, readiness; partner routes with PARTNER_LISTENER=staff. */
  staff?: ListenAddress;
  /** The same routes as `public`, for the Tor daemon only (its own per-address limit). */
  onion?: ListenAddress;
}

/** What the public web pages need (src/public-site). */
export interface PublicSiteConfig {
  enabled: boolean;
  organisationName: string;
  /** Operator's notice for immediate danger, per language; unset: the catalogue's default. */
  emergencyNotice: Partial<Record<'en' | 'cy' | 'pl' | 'ar', string>>;
  /** How long a form stays valid (a slow upload over Tor). */
  formTokenMs: number;
  /** Least time between rendering a form and submitting it. */
  minSubmitMs: number;
  /** Submissions without proof of work per address per hour. */
  noJsPerHour: number;
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  production: boolean;
  port: number;
  host: string;
  /** Unset: the embedded PostgreSQL under `dataDir` is used. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** A streaming replica for reads that may be slightly stale; unset: the primary. */
  databaseReadUrl?: string;
  /** Absolute path of the directory for development state (embedded database, dev keys, dev secret). */
  dataDir: string;
  /** Absolute paths of armored public keys; empty in development means "generate a dev key". */
  intakePublicKeyPaths: string[];
  /** Unset in development: generated once under `dataDir`. */
  serverSecret?: string;
  logLevel: LogLevel;
  /** How log lines are written: JSON, readable lines, or chosen by the terminal (auto). */
  logFormat: LogFormat;
  /** At shutdown, how long requests in flight may take before their connections are closed (ms). */
  shutdownGraceMs: number;
  /** Unset: counters (rate limits) live in this process. */
  redisUrl?: string;
  /** Largest file accepted (bytes). */
  attachmentMaxBytes: number;
  /** Largest multipart request, all files together (bytes). */
  uploadMaxBytes: number;
  /** Addresses whose X-Forwarded-For is honoured. */
  trustedProxies: string[];
  /** Origins allowed to call the API from a browser. */
  corsOrigins: string[];
  /** Leading zero bits a proof of work needs; 0 disables it. */
  powDifficulty: number;
  /** Requests per minute per address on public routes. */
  publicRateLimit: number;
  /** Requests per minute per address on /health/* (instead of publicRateLimit). */
  healthRateLimit: number;
  /** Closed tips are purged this many days after closing (never under legal hold). */
  retentionDays: number;
  /** Bearer token for GET /metrics; unset: open in development, closed in production. */
  metricsToken?: string;
  /** Run pg-boss workers (retention) in this instance. */
  backgroundJobs: boolean;
  /** Worker threads for OpenPGP encryption; 0 encrypts on the main thread. */
  encryptionThreads: number;
  publicSite: PublicSiteConfig;
  /** Webhook endpoints may be on loopback, link-local or private addresses (operator's choice). */
  webhookAllowPrivate: boolean;
  /** Seconds to wait before each retry of a failed webhook delivery. */
  webhookRetrySchedule: number[];
  /** Encryptions in flight per thread: each awaits WebCrypto, so several overlap. */
  encryptionTasksPerThread: number;
  /** Separate listeners (PUBLIC_LISTEN, STAFF_LISTEN, ONION_LISTEN); empty: one at HOST:PORT. */
  listen: ListenPlan;
  /** Which side serves the partner API when split. */
  partnerListener: 'public' | 'staff';
  /** Onion origin (`http://<56 chars>.onion`) public pages advertise in `Onion-Location`. */
  onionLocation?: string;
  /** Requests per minute on the onion listener, all onion users together; 0: no limit. */
  onionRateLimit: number;
  /** A connection that sends or receives nothing for this long is closed (ms). */
  httpIdleTimeoutMs: number;
  /** A non-upload request body must arrive completely within this time (ms). */
  bodyTimeoutMs: number;
  /** Multipart uploads streaming at once in this instance; more get 503. */
  uploadConcurrency: number;
  /** PostgreSQL `statement_timeout` of the service's sessions (ms). */
  databaseStatementTimeoutMs: number;
  /** PostgreSQL `idle_in_transaction_session_timeout` of the service's sessions (ms). */
  databaseIdleTransactionTimeoutMs: number;
}

/** `host:port`, IPv6 in brackets (`[::1]:3001`). */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port > 65535 || (match[1] !== undefined && isIP(host) !== 6)) return undefined;
  return { host, port };
}

/** The Standard Webhooks schedule after the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

function isIpOrCidr(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || ip === undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Messages name the variable and the rule, never the value (it may be a password). */
function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? { invalid: `${e.property} is invalid` }).map((m) =>
      m.startsWith(e.property) ? m : `${e.property}: ${m}`,
    ),
  );
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
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
  const problems = describe(validateSync(vars, { whitelist: true }));

  const list = (v: string | undefined): string[] =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  const proxies = list(vars.TRUSTED_PROXIES);
  if (proxies.some((p) => !isIpOrCidr(p))) {
    problems.push('TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges');
  }
  const origins = list(vars.CORS_ORIGINS);
  if (origins.some((o) => !isOrigin(o))) {
    problems.push(
      'CORS_ORIGINS must be a comma-separated list of origins like https://example.org',
    );
  }
  if (vars.REDIS_URL !== undefined && !/^rediss?:\/\/[^\s]+$/.test(vars.REDIS_URL)) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (vars.DATABASE_URL !== undefined && !isPostgresUrl(vars.DATABASE_URL)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL with a host');
  }
  if (vars.DATABASE_READ_URL !== undefined) {
    if (!isPostgresUrl(vars.DATABASE_READ_URL)) {
      problems.push('DATABASE_READ_URL must be a postgres:// or postgresql:// URL with a host');
    } else if (vars.DATABASE_URL === undefined) {
      problems.push('DATABASE_READ_URL needs DATABASE_URL (the embedded database has no replica)');
    }
  }

  const listen: ListenPlan = {};
  for (const [name, side] of [
    ['PUBLIC_LISTEN', 'public'],
    ['STAFF_LISTEN', 'staff'],
    ['ONION_LISTEN', 'onion'],
  ] as const) {
    const value = vars[name];
    if (value === undefined) continue;
    const address = parseListenAddress(value);
    if (address === undefined) {
      problems.push(`${name} must be host:port (an IPv6 address in brackets: [::1]:3001)`);
    } else {
      listen[side] = address;
    }
  }
  if (Object.keys(listen).length > 0) {
    if (vars.STAFF_LISTEN === undefined) {
      problems.push('STAFF_LISTEN is required when PUBLIC_LISTEN or ONION_LISTEN is set');
    }
    if (vars.PUBLIC_LISTEN === undefined && vars.ONION_LISTEN === undefined) {
      problems.push('PUBLIC_LISTEN or ONION_LISTEN is required when STAFF_LISTEN is set');
    }
    const taken = [listen.public, listen.staff, listen.onion]
      .filter((a): a is ListenAddress => a !== undefined && a.port !== 0)
      .map((a) => `${a.host}:${a.port}`);
    if (new Set(taken).size !== taken.length) {
      problems.push('PUBLIC_LISTEN, STAFF_LISTEN and ONION_LISTEN must be different addresses');
    }
  }
  const onionLocation =
    vars.ONION_LOCATION === undefined ? undefined : parseOnionOrigin(vars.ONION_LOCATION);
  if (vars.ONION_LOCATION !== undefined && onionLocation === undefined) {
    problems.push(
      'ONION_LOCATION must be a v3 onion origin: http://<56 characters>.onion, nothing after it',
    );
  }

  const retrySchedule =
    vars.WEBHOOK_RETRY_SCHEDULE === undefined
      ? DEFAULT_WEBHOOK_RETRY_SCHEDULE
      : vars.WEBHOOK_RETRY_SCHEDULE.split(',').map((v) => Number(v.trim()));
  if (
    retrySchedule.length > 20 ||
    retrySchedule.some((n) => !Number.isInteger(n) || n < 1 || n > 86_400)
  ) {
    problems.push(
      'WEBHOOK_RETRY_SCHEDULE must be at most 20 comma-separated whole seconds, each 1 to 86400',
    );
  }

  const nodeEnv: NodeEnv = vars.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const keyPaths = (vars.INTAKE_PUBLIC_KEYS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));

  if (production) {
    if (keyPaths.length === 0) {
      problems.push(
        'INTAKE_PUBLIC_KEYS is required in production (paths of armored OpenPGP public keys)',
      );
    }
    if (vars.SERVER_SECRET === undefined) {
      problems.push('SERVER_SECRET is required in production (at least 32 random characters)');
    }
    if (vars.DATABASE_URL === undefined) {
      problems.push(
        'DATABASE_URL is required in production (the embedded database is for development)',
      );
    }
    if (vars.ONION_LISTEN !== undefined && (vars.ONION_RATE_LIMIT ?? 0) === 0) {
      // Proof of work guards the writes; the receipt check-in is a read and has none.
      problems.push(
        'ONION_LISTEN in production needs an ONION_RATE_LIMIT above 0: on the onion, per-address limits see only the Tor daemon, and the receipt check-in has no proof of work',
      );
    }
  }

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
