import { containsReceipt } from './receipt-words.js';

const RECEIPT = 'abandon ability able about above absent absorb abstract';

describe('containsReceipt', () => {
  it('finds the receipt pasted whole, in any case or punctuation', () => {
    expect(containsReceipt(`My receipt is ${RECEIPT}.`, RECEIPT)).toBe(true);
    expect(containsReceipt('ABANDON-ability, able. ABOUT', RECEIPT)).toBe(true);
    expect(containsReceipt('see: about\nabove\tabsent absorb', RECEIPT)).toBe(true);
  });

  it('lets ordinary text through, even with a few receipt words in it', () => {
    expect(containsReceipt('I was able to see it, about noon, above the shop.', RECEIPT)).toBe(
      false,
    );
    expect(containsReceipt('abandon ability able', RECEIPT)).toBe(false);
    expect(containsReceipt('absorb abstract absent above', RECEIPT)).toBe(false);
  });
});
