import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

/** What readiness reports about the read replica. */
export interface ReplicaStatus {
  /** `none`: no DATABASE_READ_URL, reads go to the primary. */
  state: 'none' | 'up' | 'down';
  /** Seconds the replica's replay trails the primary (0 when it has replayed all it received). */
  lagSeconds?: number;
  /** WAL bytes the replica has not replayed yet, against the primary's current position. */
  lagBytes?: number;
}

/**
 * Reads that may be a little stale (the triage queue, audit
 * listing, metrics counts). With DATABASE_READ_URL they go to the replica;
 * when it is unreachable they fall back to the primary until it answers again.
 * Anything that writes, or must see the caller's own write, uses the primary
 * DataSource directly and never this.
 */
export abstract class ReadDatabase {
  /** Runs `read` on the replica, or on the primary when there is none or it is down. */
  abstract run<T>(read: (db: EntityManager) => Promise<T>): Promise<T>;
  abstract status(): Promise<ReplicaStatus>;
}

/** No replica configured: every read is on the primary. */
export class PrimaryReads extends ReadDatabase {
  constructor(private readonly primary: DataSource) {
    super();
  }

  run<T>(read: (db: EntityManager) => Promise<T>): Promise<T> {
    return read(this.primary.manager);
  }

  status(): Promise<ReplicaStatus> {
    return Promise.resolve({ state: 'none' });
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or shutting down)
  '53300', // too_many_connections
  '40001', // canceling statement due to conflict with recovery
]);

/** The replica cannot answer (as opposed to a bad query, which must surface as it is). */
export function isUnavailable(err: unknown): boolean {
  const inner = (err as { driverError?: unknown })?.driverError ?? err;
  const code = (inner as { code?: unknown })?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) {
    return true;
  }
  const message = (inner as { message?: unknown })?.message;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client has encountered a connection error/i.test(
      message,
    )
  );
}

export interface ReplicaReadsOptions {
  url: string;
  poolSize: number;
  log: { warn(message: string): void; info(message: string): void };
  /** How often a replica that is down is tried again. */
  retryMs?: number;
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        ms,
      ).unref(),
    ),
  ]);

/**
 * A second DataSource on the replica. Its sessions are read-only whatever the
 * server is, so a write sent here by mistake fails instead of landing on a
 * database that is not the primary.
 */
export class ReplicaReads extends ReadDatabase {
  private replica: DataSource;
  private up = false;
  private retry?: NodeJS.Timeout;
  private closed = false;
  private readonly retryMs: number;

  constructor(
    private readonly primary: DataSource,
    private readonly options: ReplicaReadsOptions,
  ) {
    super();
    this.retryMs = options.retryMs ?? 2000;
    this.replica = this.build();
  }

  private build(): DataSource {
    const base = dataSourceOptions(this.options.url, this.options.poolSize);
    return new DataSource({
      ...base,
      applicationName: 'tipline-read',
      extra: {
        ...(base.extra as object),
        // A stopped or unreachable replica must send reads to the primary quickly,
        // not after the primary's 5 s connect and 30 s query timeouts.
        connectionTimeoutMillis: 2000,
        query_timeout: 10_000,
        options: '-c default_transaction_read_only=on',
      },
    } as DataSourceOptions);
  }

  /** Connects to the replica; a replica that is down at start is tried again in the background. */
  async start(): Promise<void> {
    if (await this.connect()) {
      this.up = true;
      this.options.log.info('read replica connected: triage and audit reads go to it');
    } else {
      this.markDown('is unreachable at start');
    }
  }

  private async connect(): Promise<boolean> {
    try {
      if (!this.replica.isInitialized) {
        this.replica = this.build();
        await within(5000, this.replica.initialize());
      }
      await within(2000, this.replica.query('SELECT 1'));
      return true;
    } catch {
      if (this.replica.isInitialized) await this.replica.destroy().catch(() => undefined);
      return false;
    }
  }

  private markDown(why: string): void {
    if (this.up || this.retry === undefined) {
      this.options.log.warn(`read replica ${why}: reads go to the primary until it answers`);
    }
    this.up = false;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      void this.connect().then((ok) => {
        this.retry = undefined;
        if (this.closed) return;
        if (ok) {
          this.up = true;
          this.options.log.info('read replica answers again: reads go back to it');
        } else {
          this.scheduleRetry();
        }
      });
    }, this.retryMs);
    this.retry.unref();
  }

  async run<T>(read: (db: EntityManager) => Promise<T>): Promise<T> {
    if (this.up) {
      try {
        return await read(this.replica.manager);
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        this.markDown('failed');
      }
    }
    return read(this.primary.manager);
  }

  async status(): Promise<ReplicaStatus> {
    if (!this.up) return { state: 'down' };
    try {
      const [primary] = await within(
        2000,
        this.primary.query<Array<{ lsn: string }>>('SELECT pg_current_wal_lsn()::text AS lsn'),
      );
      const [lag] = await within(
        2000,
        this.replica.query<Array<{ seconds: number | null; bytes: string | null }>>(
          `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                       ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS seconds,
                  greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::text AS bytes`,
          [primary?.lsn ?? '0/0'],
        ),
      );
      return {
        state: 'up',
        ...(lag?.seconds !== null && lag?.seconds !== undefined
          ? { lagSeconds: Math.round(lag.seconds * 1000) / 1000 }
          : {}),
        ...(lag?.bytes !== null && lag?.bytes !== undefined ? { lagBytes: Number(lag.bytes) } : {}),
      };
    } catch (err) {
      if (isUnavailable(err)) {
        this.markDown('failed');
        return { state: 'down' };
      }
      // Not a standby (pg_last_wal_* are NULL or refused): up, lag unknown.
      return { state: 'up' };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.replica.isInitialized) await this.replica.destroy();
  }
}
