import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { AddressLimit } from '../common/rate-limit/public-rate-limit.guard.js';
import { ReceiptHasher } from '../crypto/receipts.js';
import { TipsRepository } from '../tips/tips.repository.js';

/** Receipt attempts per address (the routes declare it; the guard counts). */
export const RECEIPT_ATTEMPTS: AddressLimit = {
  limit: 30,
  windowMs: 10 * 60 * 1000,
};

const WRONG_RECEIPT = (): AppError =>
  new AppError('not_found', 404, 'No tip matches this receipt.');

/**
 * Finds a tip by receipt. Every wrong receipt costs the same (one HMAC, one
 * indexed lookup) and gets the same 404. Attempts are limited per address by
 * the public rate-limit guard (RECEIPT_ATTEMPTS), which never stores one.
 */
@Injectable()
export class ReceiptLookup {
  constructor(
    private readonly receipts: ReceiptHasher,
    private readonly tips: TipsRepository,
  ) {}

  async find(receipt: string) {
    const tip = await this.tips.findByReceiptHash(this.receipts.hash(receipt));
    if (!tip) throw WRONG_RECEIPT();
    return tip;
  }
}
