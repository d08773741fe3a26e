import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, MinLength } from 'class-validator';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: readable lines on a terminal outside production, JSON otherwise. */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The operator's contract: every variable the service reads, validated at boot. */
export class EnvironmentVariables {
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
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  INTAKE_KEY_REFRESH_MS?: number;

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
