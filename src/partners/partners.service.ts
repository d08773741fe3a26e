import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { Partner } from './partner.entity.js';

export interface PartnerSettings {
  name?: string;
  requireSignature?: boolean;
  requestsPerMinute?: number;
  tipsPerDay?: number;
  disabled?: boolean;
}

const notFound = (): AppError => new AppError('not_found', 404, 'No such partner.');

/** Partners and their settings; their API keys and signing keys have services of their own. */
@Injectable()
export class PartnersService {
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
}
