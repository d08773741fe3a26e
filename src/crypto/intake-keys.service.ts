import {
  Inject,
  Injectable,
  Optional,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IsNull, type DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { DEV_KEY_EMAIL } from './dev-keys.js';
import { IntakeKey } from './intake-key.entity.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import { INTAKE_KEY_EVENTS, type IntakeKeyEvents } from './intake-key-events.js';
import { KeyError, parseRecipientKey, type RecipientKey } from './openpgp.js';

/** How often each instance re-reads the admin-managed keys (rotation reaches every instance). */
export const INTAKE_KEY_REFRESH_MS = 5_000;

export interface ListedIntakeKey {
  key: RecipientKey | null;
  fingerprint: string;
  version: number;
  source: 'config' | 'admin';
  addedAt: Date | null;
  retiredAt: Date | null;
}

interface Actor {
  actor: { id: string; username: string; role: string } | null;
  ip: string | null;
}

@Injectable()
export class IntakeKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('IntakeKeys');
  private readonly parsed = new Map<string, RecipientKey>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyRing: IntakeKeyRing,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(INTAKE_KEY_EVENTS) private readonly events?: IntakeKeyEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((err: unknown) =>
        this.logger.warn(`intake key reload failed: ${(err as Error).name}`),
      );
    }, INTAKE_KEY_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Re-reads admin-managed keys; only keys not seen before are parsed. */
  async reload(): Promise<void> {
    const rows = await this.dataSource
      .getRepository(IntakeKey)
      .find({ where: { retiredAt: IsNull() }, order: { addedAt: 'ASC' } });
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
      }));
    const rows = await this.dataSource.getRepository(IntakeKey).find({ order: { addedAt: 'ASC' } });
    return [
      ...configured,
      ...rows.map((row): ListedIntakeKey => ({
        key: this.parsed.get(row.fingerprint) ?? null,
        fingerprint: row.fingerprint,
        version: row.version,
        source: 'admin',
        addedAt: row.addedAt,
        retiredAt: row.retiredAt,
      })),
    ];
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
    await this.dataSource.transaction(async (m) => {
      const existing = await m.findOne(IntakeKey, {
        where: { fingerprint: key.fingerprint },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing && existing.retiredAt === null) {
        throw new AppError('conflict', 409, 'This key is already active.');
      }
      if (existing) {
        await m.update(
          IntakeKey,
          { id: existing.id },
          { retiredAt: null, addedBy: by.actor?.id ?? null, addedAt: new Date() },
        );
      } else {
        await m.insert(IntakeKey, {
          id: uuidv7(),
          fingerprint: key.fingerprint,
          version: key.version,
          armored: key.armored,
          addedBy: by.actor?.id ?? null,
          addedAt: new Date(),
          retiredAt: null,
        });
      }
      await this.audit.append(m, {
        ...by,
        action: 'intake_key.added',
        targetType: 'intake_key',
        targetId: key.fingerprint,
        details: { version: key.version },
      });
      await this.events?.record(m, { type: 'intake-key.added', fingerprint: key.fingerprint });
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
      await this.events?.record(m, { type: 'intake-key.retired', fingerprint: fp });
    });
    await this.reload();
  }
}
