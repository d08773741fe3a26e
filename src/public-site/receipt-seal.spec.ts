import { receiptSealMatches, sealReceipt } from './receipt-seal.js';

describe('receipt seal', () => {
  const secret = Buffer.from('s'.repeat(32));
  const receipt = 'one two three four five six seven eight';

  it('matches the pair it was made for, however the receipt is spaced or cased', () => {
    const seal = sealReceipt(secret, 'TL-1', receipt);
    expect(receiptSealMatches(secret, 'TL-1', receipt, seal)).toBe(true);
    expect(
      receiptSealMatches(secret, 'TL-1', ` ONE two  three four five six seven eight`, seal),
    ).toBe(true);
  });

  it('refuses another reference, another receipt, another secret and a truncated seal', () => {
    const seal = sealReceipt(secret, 'TL-1', receipt);
    expect(receiptSealMatches(secret, 'TL-2', receipt, seal)).toBe(false);
    expect(receiptSealMatches(secret, 'TL-1', receipt.replace('eight', 'nine'), seal)).toBe(false);
    expect(receiptSealMatches(Buffer.from('t'.repeat(32)), 'TL-1', receipt, seal)).toBe(false);
    expect(receiptSealMatches(secret, 'TL-1', receipt, seal.slice(1))).toBe(false);
    expect(receiptSealMatches(secret, 'TL-1', receipt, '')).toBe(false);
  });
});
