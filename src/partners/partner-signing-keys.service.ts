import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IsNull, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { KeyError, parseSigningKey, type RecipientKey } from '../crypto/openpgp.js';
import { PartnerSigningKey } from './partner.entity.js';
import { PartnersService } from './partners.service.js';

/** The OpenPGP keys whose signatures on a partner's submissions verify. */
@Injectable()
export class PartnerSigningKeysService {
  private readonly signingKeys = new Map<string, RecipientKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly partners: PartnersService,
  ) {}

  listSigningKeys(partnerId: string): Promise<PartnerSigningKey[]> {
    return this.dataSource
      .getRepository(PartnerSigningKey)
      .find({ where: { partnerId }, order: { addedAt: 'ASC' } });
  }

  async addSigningKey(partnerId: string, armored: string, by: Actor): Promise<RecipientKey> {
    await this.partners.get(partnerId);
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
