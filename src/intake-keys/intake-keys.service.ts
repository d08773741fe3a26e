import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IsNull, type DataSource } from 'typeorm';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { DEV_KEY_EMAIL } from '../crypto/dev-keys.js';
import { IntakeKey } from './intake-key.entity.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import { INTAKE_KEY_EVENTS, type IntakeKeyEvents } from './intake-key-events.js';
import { KeyError, parseRecipientKey, type RecipientKey } from '../crypto/openpgp.js';

export interface ListedIntakeKey {
  key: RecipientKey | null;
  fingerprint: string;
  version: number;
  source: 'config' | 'admin';
  addedAt: Date | null;
  retiredAt: Date | null;
  /** Null for a configured key (set up on the host) and for a pending one. */
  approvedAt: Date | null;
  approvedBy: string | null;
  addedBy: string | null;
}

/** When and by whom an active key was approved (public: every lead and submitter can see it). */
export interface KeyApproval {
  approvedAt: Date | null;
  approvedBy: string | null;
}

/** A key added through the API waits this long for a second admin, then lapses. */
export const KEY_APPROVAL_TTL_MS = 72 * 3_600_000;

@Injectable()
export class IntakeKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('IntakeKeys');
  private readonly parsed = new Map<string, RecipientKey>();
  private approvals = new Map<string, KeyApproval>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyRing: IntakeKeyRing,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INTAKE_KEY_EVENTS) private readonly events: IntakeKeyEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((err: unknown) =>
        this.logger.warn(`intake key reload failed: ${(err as Error).name}`),
      );
    }, this.config.intakeKeyRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Re-reads admin-managed keys; only keys not seen before are parsed. */
  async reload(): Promise<void> {
    // Only approved keys encrypt: a pending one is listed, never used.
    const rows = await this.dataSource.query<
      Array<{ fingerprint: string; armored: string; approved_at: Date; approved_by: string | null }>
    >(
      `SELECT k.fingerprint, k.armored, k.approved_at, a.username AS approved_by
         FROM intake_key k LEFT JOIN analyst a ON a.id = k.approved_by
        WHERE k.retired_at IS NULL AND k.approved_at IS NOT NULL
        ORDER BY k.added_at`,
    );
    this.approvals = new Map(
      rows.map((r) => [r.fingerprint, { approvedAt: r.approved_at, approvedBy: r.approved_by }]),
    );
    const keys: RecipientKey[] = [];
    for (const row of rows) {
      let key = this.parsed.get(row.fingerprint);
      if (!key) {
        try {
          key = await parseRecipientKey(row.armored, `intake key ${row.fingerprint}`);
        } catch (err) {
          this.logger.warn((err as Error).message);
          continue;
        }
        this.parsed.set(row.fingerprint, key);
      }
      keys.push(key);
    }
    this.keyRing.setAdded(keys);
  }

  /** Approval of an active key; a configured key has none (it was set up on the host). */
  approvalOf(fingerprint: string): KeyApproval {
    return this.approvals.get(fingerprint) ?? { approvedAt: null, approvedBy: null };
  }

  async list(): Promise<ListedIntakeKey[]> {
    const configured = this.keyRing
      .active()
      .filter((k) => this.keyRing.isConfigured(k.fingerprint))
      .map((key): ListedIntakeKey => ({
        key,
        fingerprint: key.fingerprint,
        version: key.version,
        source: 'config',
        addedAt: null,
        retiredAt: null,
        approvedAt: null,
        approvedBy: null,
        addedBy: null,
      }));
    const rows = await this.dataSource.query<
      Array<{
        fingerprint: string;
        version: number;
        added_at: Date;
        retired_at: Date | null;
        approved_at: Date | null;
        approved_by: string | null;
        added_by: string | null;
      }>
    >(
      `SELECT k.fingerprint, k.version, k.added_at, k.retired_at, k.approved_at,
              ap.username AS approved_by, ad.username AS added_by
         FROM intake_key k
         LEFT JOIN analyst ap ON ap.id = k.approved_by
         LEFT JOIN analyst ad ON ad.id = k.added_by
        ORDER BY k.added_at`,
    );
    return [
      ...configured,
      ...rows.map((row): ListedIntakeKey => ({
        key: this.parsed.get(row.fingerprint) ?? null,
        fingerprint: row.fingerprint,
        version: row.version,
        source: 'admin',
        addedAt: row.added_at,
        retiredAt: row.retired_at,
        approvedAt: row.approved_at,
        approvedBy: row.approved_by,
        addedBy: row.added_by,
      })),
    ];
  }

  /** Keys added through the API that still wait for a second admin. */
  async pending(): Promise<ListedIntakeKey[]> {
    const cutoff = Date.now() - KEY_APPROVAL_TTL_MS;
    return (await this.list()).filter(
      (k) =>
        k.source === 'admin' &&
        k.retiredAt === null &&
        k.approvedAt === null &&
        (k.addedAt?.getTime() ?? 0) > cutoff,
    );
  }

  /**
   * The second person: an admin other than the one who added the key makes it
   * a recipient. Every instance loads it within INTAKE_KEY_REFRESH_MS.
   */
  async approve(fingerprint: string, by: Actor): Promise<void> {
    const fp = fingerprint.toUpperCase();
    await this.dataSource.transaction(async (m) => {
      const row = await m.findOne(IntakeKey, {
        where: { fingerprint: fp, retiredAt: IsNull(), approvedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new AppError('not_found', 404, 'No pending key with this fingerprint.');
      if (!by.actor || by.actor.id === row.addedBy) {
        throw new AppError(
          'forbidden',
          403,
          'A second admin must approve a key: not the one who added it.',
        );
      }
      if (Date.now() - row.addedAt.getTime() > KEY_APPROVAL_TTL_MS) {
        throw new AppError('conflict', 409, 'This request has expired; add the key again.');
      }
      await m.update(
        IntakeKey,
        { id: row.id },
        { approvedBy: by.actor.id, approvedAt: new Date() },
      );
      await this.audit.append(m, {
        ...by,
        action: 'intake_key.approved',
        targetType: 'intake_key',
        targetId: fp,
        details: { version: row.version, addedBy: row.addedBy },
      });
    });
    await this.reload();
  }

  async add(armored: string, by: Actor): Promise<RecipientKey> {
    let key: RecipientKey;
    try {
      key = await parseRecipientKey(armored, 'armored');
    } catch (err) {
      if (err instanceof KeyError) {
        throw new AppError('unprocessable', 422, err.message.replace(/^armored: /, 'The key '));
      }
      throw err;
    }
    if (this.config.production && key.userIds.some((id) => id.includes(`<${DEV_KEY_EMAIL}>`))) {
      throw new AppError(
        'unprocessable',
        422,
        'A Tipline development key cannot be used in production.',
      );
    }
    if (this.keyRing.isConfigured(key.fingerprint)) {
      throw new AppError('conflict', 409, 'This key is already configured by INTAKE_PUBLIC_KEYS.');
    }
    // Added by a staff member: pending until a second admin approves. On the host (no actor): at once.
    const approvedAt = by.actor ? null : new Date();
    await this.dataSource.transaction(async (m) => {
      const existing = await m.findOne(IntakeKey, {
        where: { fingerprint: key.fingerprint },
        lock: { mode: 'pessimistic_write' },
      });
      const lapsed =
        existing?.approvedAt === null &&
        Date.now() - existing.addedAt.getTime() > KEY_APPROVAL_TTL_MS;
      if (existing && existing.retiredAt === null && !lapsed) {
        throw new AppError(
          'conflict',
          409,
          existing.approvedAt === null
            ? 'This key already awaits approval.'
            : 'This key is already active.',
        );
      }
      if (existing) {
        await m.update(
          IntakeKey,
          { id: existing.id },
          {
            retiredAt: null,
            addedBy: by.actor?.id ?? null,
            addedAt: new Date(),
            approvedBy: null,
            approvedAt: approvedAt,
          },
        );
      } else {
        await m.insert(IntakeKey, {
          id: uuidv7(),
          fingerprint: key.fingerprint,
          version: key.version,
          armored: key.armored,
          addedBy: by.actor?.id ?? null,
          addedAt: new Date(),
          approvedBy: null,
          approvedAt: approvedAt,
          retiredAt: null,
        });
      }
      await this.audit.append(m, {
        ...by,
        action: 'intake_key.added',
        targetType: 'intake_key',
        targetId: key.fingerprint,
        details: { version: key.version, pendingApproval: approvedAt === null },
      });
      await this.events.record(m, { type: 'intake-key.added', fingerprint: key.fingerprint });
    });
    this.parsed.set(key.fingerprint, key);
    await this.reload();
    return key;
  }

  async retire(fingerprint: string, by: Actor): Promise<void> {
    const fp = fingerprint.toUpperCase();
    if (this.keyRing.isConfigured(fp)) {
      throw new AppError(
        'conflict',
        409,
        'This key is configured by INTAKE_PUBLIC_KEYS; remove it there and restart.',
      );
    }
    await this.dataSource.transaction(async (m) => {
      const row = await m.findOne(IntakeKey, {
        where: { fingerprint: fp, retiredAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new AppError('not_found', 404, 'No active key with this fingerprint.');
      const remaining = this.keyRing.active().filter((k) => k.fingerprint !== fp).length;
      if (remaining === 0) {
        throw new AppError(
          'conflict',
          409,
          'Retiring the last active key would stop intake; add another first.',
        );
      }
      await m.update(IntakeKey, { id: row.id }, { retiredAt: new Date() });
      await this.audit.append(m, {
        ...by,
        action: 'intake_key.retired',
        targetType: 'intake_key',
        targetId: fp,
      });
      await this.events.record(m, { type: 'intake-key.retired', fingerprint: fp });
    });
    await this.reload();
  }
}
