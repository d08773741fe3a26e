import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource, EntityManager } from 'typeorm';
import type { StaffPrincipal, StaffRole } from '../common/auth/roles.js';
import { Session } from './session.entity.js';

export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** last_seen_at is written at most this often per session, to spare the database. */
const TOUCH_INTERVAL_MS = 60 * 1000;

const TOKEN_PREFIX = 'tps_';

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

interface SessionRow {
  id: string;
  last_seen_at: Date;
  analyst_id: string;
  username: string;
  role: StaffRole;
  must_change_password: boolean;
  role_pending: boolean;
}

export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/** Opaque 256-bit bearer tokens, stored as SHA-256; 8 h absolute, 30 min idle. */
@Injectable()
export class SessionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(manager: EntityManager, analystId: string, now = new Date()): Promise<IssuedSession> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const session: Session = {
      id: uuidv7(),
      analystId,
      tokenHash: tokenHash(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      revokedAt: null,
    };
    await manager.insert(Session, session);
    return { token, sessionId: session.id, expiresAt: session.expiresAt };
  }

  /** The principal for a bearer token, or null when it is unknown, expired, idle, revoked or its user disabled. */
  async authenticate(token: string, now = new Date()): Promise<StaffPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
    const rows = await this.dataSource.query<SessionRow[]>(
      `SELECT s.id, s.last_seen_at, a.id AS analyst_id, a.username, a.role, a.must_change_password,
              a.role_approved_at IS NULL AS role_pending
         FROM session s JOIN analyst a ON a.id = s.analyst_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND a.disabled_at IS NULL
          AND s.expires_at > $2 AND s.last_seen_at > $3`,
      [tokenHash(token), now, new Date(now.getTime() - SESSION_IDLE_MS)],
    );
    const row = rows[0];
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      await this.dataSource.query('UPDATE session SET last_seen_at = $2 WHERE id = $1', [
        row.id,
        now,
      ]);
    }
    return {
      analystId: row.analyst_id,
      username: row.username,
      role: row.role,
      sessionId: row.id,
      mustChangePassword: row.must_change_password,
      rolePending: row.role_pending,
    };
  }

  async revoke(manager: EntityManager, sessionId: string): Promise<void> {
    await manager.query(
      'UPDATE session SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [sessionId],
    );
  }

  /** Ends every live session of a user (disabled, TOTP reset, password changed elsewhere). */
  async revokeAll(
    manager: EntityManager,
    analystId: string,
    exceptSessionId?: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE session SET revoked_at = now()
        WHERE analyst_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [analystId, exceptSessionId ?? null],
    );
  }
}
