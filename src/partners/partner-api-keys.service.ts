import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { generateApiKey, parseApiKey, secretMatches, type ApiKeyScope } from './api-keys.js';
import { runStatement } from '../database/statement.js';
import { ApiKey } from './partner.entity.js';
import { PartnersService } from './partners.service.js';

/** A partner's API keys: issued, listed, revoked, and the bearer check on partner routes. */
@Injectable()
export class PartnerApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly partners: PartnersService,
  ) {}

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
    await this.partners.get(partnerId);
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
    // Every partner request runs this: a prepared statement on the driver's pool.
    const rows = await runStatement<{
      secret_hash: Buffer;
      scopes: string[];
      partner_id: string;
      name: string;
      requests_per_minute: number;
      tips_per_day: number;
      require_signature: boolean;
      last_used_at: Date | null;
    }>(this.dataSource, {
      name: 'api_key_principal',
      text: `SELECT k.secret_hash, k.scopes, k.last_used_at, p.id AS partner_id, p.name,
                    p.requests_per_minute, p.tips_per_day, p.require_signature
               FROM api_key k JOIN partner p ON p.id = k.partner_id
              WHERE k.id = $1 AND k.revoked_at IS NULL AND p.disabled_at IS NULL
                AND (k.expires_at IS NULL OR k.expires_at > now())`,
      values: [parsed.id],
    });
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await runStatement(this.dataSource, {
        name: 'api_key_used',
        text: 'UPDATE api_key SET last_used_at = now() WHERE id = $1',
        values: [parsed.id],
      });
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
}
