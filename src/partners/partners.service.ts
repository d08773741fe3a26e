import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IsNull, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { KeyError, parseSigningKey, type RecipientKey } from '../crypto/openpgp.js';
import { generateApiKey, parseApiKey, secretMatches, type ApiKeyScope } from './api-keys.js';
import { ApiKey, Partner, PartnerSigningKey } from './partner.entity.js';

export interface PartnerSettings {
  name?: string;
  requireSignature?: boolean;
  requestsPerMinute?: number;
  tipsPerDay?: number;
  disabled?: boolean;
}

const notFound = (): AppError => new AppError('not_found', 404, 'No such partner.');

/** Partners, their API keys and signing keys. */
@Injectable()
export class PartnersService {
  private readonly signingKeys = new Map<string, RecipientKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  list(): Promise<Partner[]> {
    return this.dataSource.getRepository(Partner).find({ order: { name: 'ASC' } });
  }

  async get(id: string): Promise<Partner> {
    const partner = await this.dataSource.getRepository(Partner).findOneBy({ id });
    if (!partner) throw notFound();
    return partner;
  }

  async create(settings: PartnerSettings & { name: string }, by: Actor): Promise<Partner> {
    const partner: Partner = {
      id: uuidv7(),
      name: settings.name.trim(),
      requireSignature: settings.requireSignature ?? false,
      requestsPerMinute: settings.requestsPerMinute ?? 60,
      tipsPerDay: settings.tipsPerDay ?? 1000,
      createdAt: new Date(),
      disabledAt: null,
    };
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(Partner, partner);
        await this.audit.append(m, {
          ...by,
          action: 'partner.created',
          targetType: 'partner',
          targetId: partner.id,
          details: { name: partner.name },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('conflict', 409, 'A partner with this name exists.');
      }
      throw err;
    }
    return partner;
  }

  async update(id: string, settings: PartnerSettings, by: Actor): Promise<Partner> {
    return this.dataSource.transaction(async (m) => {
      const partner = await m.findOne(Partner, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!partner) throw notFound();
      const changes: Partial<Partner> = {};
      if (settings.name !== undefined) changes.name = settings.name.trim();
      if (settings.requireSignature !== undefined)
        changes.requireSignature = settings.requireSignature;
      if (settings.requestsPerMinute !== undefined)
        changes.requestsPerMinute = settings.requestsPerMinute;
      if (settings.tipsPerDay !== undefined) changes.tipsPerDay = settings.tipsPerDay;
      if (settings.disabled !== undefined && settings.disabled !== (partner.disabledAt !== null)) {
        changes.disabledAt = settings.disabled ? new Date() : null;
      }
      if (Object.keys(changes).length > 0) {
        await m.update(Partner, { id }, changes);
        await this.audit.append(m, {
          ...by,
          action: 'partner.updated',
          targetType: 'partner',
          targetId: id,
          details: {
            changes: Object.keys(changes).sort(),
            ...(settings.disabled !== undefined ? { disabled: settings.disabled } : {}),
          },
        });
      }
      return { ...partner, ...changes };
    });
  }

  listKeys(partnerId: string): Promise<ApiKey[]> {
    return this.dataSource
      .getRepository(ApiKey)
      .find({ where: { partnerId }, order: { createdAt: 'ASC' } });
  }

  async createKey(
    partnerId: string,
    options: { label?: string; scopes: ApiKeyScope[]; expiresAt?: Date },
    by: Actor,
  ): Promise<{ key: ApiKey; token: string }> {
    await this.get(partnerId);
    if (options.expiresAt && options.expiresAt.getTime() <= Date.now()) {
      throw new AppError('validation_failed', 400, 'The request body is invalid.', [
        { field: 'expiresAt', problem: 'must be in the future' },
      ]);
    }
    const generated = generateApiKey();
    const key: ApiKey = {
      id: generated.id,
      partnerId,
      secretHash: generated.secretHash,
      label: options.label ?? null,
      scopes: [...new Set(options.scopes)].sort(),
      createdAt: new Date(),
      expiresAt: options.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.dataSource.transaction(async (m) => {
      await m.insert(ApiKey, key);
      await this.audit.append(m, {
        ...by,
        action: 'api_key.created',
        targetType: 'partner',
        targetId: partnerId,
        details: { keyId: key.id, scopes: key.scopes },
      });
    });
    return { key, token: generated.token };
  }

  async revokeKey(partnerId: string, keyId: string, by: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(ApiKey)
        .set({ revokedAt: new Date() })
        .where('id = :keyId AND partner_id = :partnerId AND revoked_at IS NULL', {
          keyId,
          partnerId,
        })
        .execute();
      if (result.affected !== 1) throw new AppError('not_found', 404, 'No such active key.');
      await this.audit.append(m, {
        ...by,
        action: 'api_key.revoked',
        targetType: 'partner',
        targetId: partnerId,
        details: { keyId },
      });
    });
  }

  /** The partner for a bearer API key, or null (unknown, wrong secret, revoked, expired, partner disabled). */
  async authenticate(token: string): Promise<PartnerPrincipal | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const rows = await this.dataSource.query<
      Array<{
        secret_hash: Buffer;
        scopes: string[];
        partner_id: string;
        name: string;
        requests_per_minute: number;
        tips_per_day: number;
        require_signature: boolean;
        last_used_at: Date | null;
      }>
    >(
      `SELECT k.secret_hash, k.scopes, k.last_used_at, p.id AS partner_id, p.name,
              p.requests_per_minute, p.tips_per_day, p.require_signature
         FROM api_key k JOIN partner p ON p.id = k.partner_id
        WHERE k.id = $1 AND k.revoked_at IS NULL AND p.disabled_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > now())`,
      [parsed.id],
    );
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await this.dataSource.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [
        parsed.id,
      ]);
    }
    return {
      partnerId: row.partner_id,
      partnerName: row.name,
      keyId: parsed.id,
      scopes: row.scopes,
      requestsPerMinute: row.requests_per_minute,
      tipsPerDay: row.tips_per_day,
      requireSignature: row.require_signature,
    };
  }

  listSigningKeys(partnerId: string): Promise<PartnerSigningKey[]> {
    return this.dataSource
      .getRepository(PartnerSigningKey)
      .find({ where: { partnerId }, order: { addedAt: 'ASC' } });
  }

  async addSigningKey(partnerId: string, armored: string, by: Actor): Promise<RecipientKey> {
    await this.get(partnerId);
    let key: RecipientKey;
    try {
      key = await parseSigningKey(armored, 'armored');
    } catch (err) {
      if (err instanceof KeyError) {
        throw new AppError('unprocessable', 422, err.message.replace(/^armored: /, 'The key '));
      }
      throw err;
    }
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(PartnerSigningKey, {
          id: uuidv7(),
          partnerId,
          fingerprint: key.fingerprint,
          armored: key.armored,
          addedAt: new Date(),
          retiredAt: null,
        });
        await this.audit.append(m, {
          ...by,
          action: 'partner.signing_key_added',
          targetType: 'partner',
          targetId: partnerId,
          details: { fingerprint: key.fingerprint },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('conflict', 409, 'This signing key is already registered.');
      }
      throw err;
    }
    return key;
  }

  async retireSigningKey(partnerId: string, fingerprint: string, by: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(PartnerSigningKey)
        .set({ retiredAt: new Date() })
        .where('partner_id = :partnerId AND fingerprint = :fp AND retired_at IS NULL', {
          partnerId,
          fp: fingerprint.toUpperCase(),
        })
        .execute();
      if (result.affected !== 1)
        throw new AppError('not_found', 404, 'No such active signing key.');
      await this.audit.append(m, {
        ...by,
        action: 'partner.signing_key_retired',
        targetType: 'partner',
        targetId: partnerId,
        details: { fingerprint: fingerprint.toUpperCase() },
      });
    });
  }

  /** Active signing keys, parsed once per process and cached by fingerprint. */
  async activeSigningKeys(partnerId: string): Promise<RecipientKey[]> {
    const rows = await this.dataSource
      .getRepository(PartnerSigningKey)
      .find({ where: { partnerId, retiredAt: IsNull() } });
    const keys: RecipientKey[] = [];
    for (const row of rows) {
      let key = this.signingKeys.get(row.fingerprint);
      if (!key) {
        key = await parseSigningKey(row.armored, row.fingerprint);
        this.signingKeys.set(row.fingerprint, key);
      }
      keys.push(key);
    }
    return keys;
  }
}
