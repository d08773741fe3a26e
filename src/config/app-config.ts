import type { LogFormat, LogLevel, NodeEnv } from './environment-variables.js';

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
  /** How often each instance re-reads the admin-managed keys (rotation reaches every instance). */
  intakeKeyRefreshMs: number;
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
