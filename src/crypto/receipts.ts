import { createHmac, randomInt } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hmacKey } from './hmac-key.js';

/** 8 words of an 11-bit list: 88 bits of entropy. */
export const RECEIPT_WORDS = 8;

export function generateReceipt(): string {
  const words: string[] = [];
  for (let i = 0; i < RECEIPT_WORDS; i++) words.push(wordlist[randomInt(wordlist.length)]!);
  return words.join(' ');
}

/** Case, surrounding spaces and separators (spaces, hyphens, dots) do not matter. */
export function normalizeReceipt(receipt: string): string {
  return receipt
    .toLowerCase()
    .split(/[\s\-_.,]+/u)
    .filter((w) => w !== '')
    .join(' ');
}

/**
 * The server keeps only HMAC(server secret, receipt): enough to find a tip by
 * receipt, useless for recovering the receipt from a stolen database.
 */
export class ReceiptHasher {
  constructor(private readonly secret: Buffer) {}

  hash(receipt: string): Buffer {
    return createHmac('sha256', hmacKey(this.secret))
      .update('tipline:receipt:v1:')
      .update(normalizeReceipt(receipt))
      .digest();
  }
}
