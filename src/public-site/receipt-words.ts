import { normalizeReceipt } from '../crypto/receipts.js';

/** This many receipt words in a row, in order, count as the receipt being pasted. */
const RUN = 4;

/**
 * True when a message carries (most of) its own receipt: four or more of its
 * words in a row. Such a message would hand the receipt to whoever reads the
 * thread, so the site refuses it (SecureDrop does the same for codenames).
 */
export function containsReceipt(text: string, receipt: string): boolean {
  const words = normalizeReceipt(receipt).split(' ');
  const typed = normalizeReceipt(text.replace(/[^\p{L}\p{N}]+/gu, ' ')).split(' ');
  if (words.length < RUN) return false;
  for (let i = 0; i + RUN <= words.length; i++) {
    const run = words.slice(i, i + RUN);
    for (let j = 0; j + RUN <= typed.length; j++) {
      if (run.every((w, k) => typed[j + k] === w)) return true;
    }
  }
  return false;
}
