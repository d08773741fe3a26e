import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { Analyst } from '../auth/analyst.entity.js';
import { Session } from '../auth/session.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { IntakeKey } from '../intake-keys/intake-key.entity.js';
import { Note } from '../tips/note.entity.js';
import { Attachment, AttachmentChunk } from '../tips/attachments/attachment.entity.js';
import { Message } from '../tips/message.entity.js';
import {
  ApiKey,
  IdempotencyRecord,
  Partner,
  PartnerSigningKey,
} from '../partners/partner.entity.js';
import { Tip } from '../tips/tip.entity.js';

export const entities = [
  Tip,
  Note,
  Analyst,
  Session,
  IntakeKey,
  AuditEvent,
  Partner,
  ApiKey,
  PartnerSigningKey,
  IdempotencyRecord,
  Message,
  Attachment,
  AttachmentChunk,
];

/**
 * The single DataSource definition shared by the app, `npm run migration:run`,
 * `tipctl` and the tests. `synchronize` is never on: the schema is the migrations.
 */
/** Server-side bounds on the service's sessions: a stuck transaction or query ends there too. */
export interface SessionTimeouts {
  statementMs: number;
  idleInTransactionMs: number;
}

export function dataSourceOptions(
  url: string,
  poolSize = 10,
  timeouts?: SessionTimeouts,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    logging: false,
    applicationName: 'tipline',
    poolSize,
    // A dead or restarting database must surface as errors (503), never as
    // requests that wait forever and hold the pool.
    extra: {
      connectionTimeoutMillis: 5000,
      query_timeout: 30_000,
      keepAlive: true,
      // node-postgres sends these as session parameters at connect.
      ...(timeouts && {
        statement_timeout: timeouts.statementMs,
        idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      }),
    },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
