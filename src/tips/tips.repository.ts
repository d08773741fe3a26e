import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { Tip } from './tip.entity.js';

export type NewTip = Pick<
  Tip,
  | 'id'
  | 'reference'
  | 'channel'
  | 'partnerId'
  | 'category'
  | 'submitterUrgency'
  | 'receivedAt'
  | 'priority'
  | 'payload'
  | 'payloadBytes'
  | 'keyFingerprints'
  | 'receiptHash'
  | 'sourceRef'
>;

export class DuplicateReferenceError extends Error {}

@Injectable()
export class TipsRepository {
  constructor(@InjectRepository(Tip) private readonly tips: Repository<Tip>) {}

  /**
   * One INSERT, committed when the promise resolves (autocommit), so a caller
   * that answers after it has a durable row.
   */
  async insert(tip: NewTip): Promise<void> {
    try {
      await this.tips.insert(tip);
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string; constraint?: string }).code === '23505' &&
        (err.driverError as { constraint?: string }).constraint === 'tip_reference_key'
      ) {
        throw new DuplicateReferenceError();
      }
      throw err;
    }
  }

  async findPayloadByReference(reference: string): Promise<Buffer | null> {
    const row = await this.tips.findOne({ select: { payload: true }, where: { reference } });
    return row?.payload ?? null;
  }
}
