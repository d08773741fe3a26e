import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeReceipt } from '../crypto/receipts.js';

/**
 * The receipt page sends its reference and receipt back for the fourth-word
 * confirmation; this MAC (keyed with SERVER_SECRET) shows the pair came from a
 * receipt page made here.
 */
export function sealReceipt(secret: Buffer, reference: string, receipt: string): string {
  return createHmac('sha256', secret)
    .update(`site-receipt:${reference}\n${normalizeReceipt(receipt)}`)
    .digest('base64url');
}

export function receiptSealMatches(
  secret: Buffer,
  reference: string,
  receipt: string,
  seal: string,
): boolean {
  const expected = Buffer.from(sealReceipt(secret, reference, receipt));
  const given = Buffer.from(seal);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
