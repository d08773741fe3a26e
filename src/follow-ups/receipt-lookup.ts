import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppError } from '../common/app-error.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { SERVER_SECRET } from '../crypto/crypto.module.js';
import { ReceiptHasher } from '../crypto/receipts.js';
import { TipsRepository } from '../tips/tips.repository.js';

export const RECEIPT_ATTEMPTS = 30;
export const RECEIPT_WINDOW_MS = 10 * 60 * 1000;

const WRONG_RECEIPT = (): AppError =>
  new AppError('not_found', 404, 'No tip matches this receipt.');

/**
 * Finds a tip by receipt. Every wrong receipt costs the same (one HMAC, one
 * indexed lookup) and gets the same 404. Attempts are counted per address in
 * memory or Redis, keyed by an HMAC of the address so that not even the
 * counter holds it; nothing reaches PostgreSQL or the logs.
 */
@Injectable()
export class ReceiptLookup {
  constructor(
    private readonly receipts: ReceiptHasher,
    private readonly tips: TipsRepository,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  async find(receipt: string, address: string) {
    const key = `receipt:${createHmac('sha256', this.secret).update(`addr:${address}`).digest('base64url')}`;
    const window = await this.counters.hit(key, RECEIPT_WINDOW_MS);
    if (window.count > RECEIPT_ATTEMPTS) {
      throw new AppError(
        'rate_limited',
        429,
        'Too many receipt attempts; try again later.',
        undefined,
        Math.max(1, Math.ceil(window.resetMs / 1000)),
      );
    }
    const tip = await this.tips.findByReceiptHash(this.receipts.hash(receipt));
    if (!tip) throw WRONG_RECEIPT();
    return tip;
  }
}
