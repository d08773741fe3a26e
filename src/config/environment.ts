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

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  ENCRYPTION_THREADS?: number;

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
  /** Absolute path of the directory for development state (embedded database, dev keys, dev secret). */
  dataDir: string;
  /** Absolute paths of armored public keys; empty in development means "generate a dev key". */
  intakePublicKeyPaths: string[];
  /** Unset in development: generated once under `dataDir`. */
  serverSecret?: string;
  logLevel: LogLevel;
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
  /** Closed tips are purged this many days after closing (never under legal hold). */
  retentionDays: number;
  /** Bearer token for GET /metrics; unset: open in development, closed in production. */
  metricsToken?: string;
  /** Run pg-boss workers (retention) in this instance. */
  backgroundJobs: boolean;
  /** Worker threads for OpenPGP encryption; 0 encrypts on the main thread. */
  encryptionThreads: number;
  publicSite: PublicSiteConfig;
}

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
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    intakePublicKeyPaths: keyPaths,
    serverSecret: vars.SERVER_SECRET,
    logLevel: vars.LOG_LEVEL ?? 'info',
    encryptionThreads: vars.ENCRYPTION_THREADS ?? availableParallelism(),
    redisUrl: vars.REDIS_URL,
    trustedProxies: proxies,
    corsOrigins: origins,
    powDifficulty: vars.POW_DIFFICULTY ?? (production ? 18 : 0),
    publicRateLimit: vars.PUBLIC_RATE_LIMIT ?? 60,
    retentionDays: vars.RETENTION_DAYS ?? 90,
    backgroundJobs: (vars.BACKGROUND_JOBS ?? 'true') === 'true',
    metricsToken: vars.METRICS_TOKEN,
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
  };
}
