import { wordlist } from '@scure/bip39/wordlists/english.js';
import { generateReceipt, normalizeReceipt, ReceiptHasher, RECEIPT_WORDS } from './receipts.js';

describe('receipts', () => {
  it('are 8 BIP39 words (88 bits) and differ each time', () => {
    const words = new Set(wordlist);
    const receipts = Array.from({ length: 200 }, generateReceipt);
    for (const r of receipts) {
      const parts = r.split(' ');
      expect(parts).toHaveLength(RECEIPT_WORDS);
      expect(parts.every((w) => words.has(w))).toBe(true);
    }
    expect(new Set(receipts).size).toBe(receipts.length);
    expect(RECEIPT_WORDS * Math.log2(wordlist.length)).toBe(88);
  });

  it('normalise case and separators', () => {
    expect(normalizeReceipt('  Abandon-ABILITY  able\tabout.above ')).toBe(
      'abandon ability able about above',
    );
  });

  it('hash with the server secret: same receipt same hash, other secret other hash', () => {
    const a = new ReceiptHasher(Buffer.from('a'.repeat(32)));
    const b = new ReceiptHasher(Buffer.from('b'.repeat(32)));
    const r = generateReceipt();
    expect(a.hash(r).equals(a.hash(r.toUpperCase()))).toBe(true);
    expect(a.hash(r).equals(b.hash(r))).toBe(false);
    expect(a.hash(r)).toHaveLength(32);
    expect(a.hash(r).toString('utf8')).not.toContain(r.split(' ')[0]);
  });
});
