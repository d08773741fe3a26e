import { generateTipReference, TIP_REFERENCE_PATTERN } from './tip-reference.js';

describe('generateTipReference', () => {
  it('makes TIP-XXXX-XXXX codes without ambiguous letters, rarely repeating', () => {
    const refs = Array.from({ length: 5000 }, generateTipReference);
    for (const ref of refs) {
      expect(ref).toMatch(TIP_REFERENCE_PATTERN);
      expect(ref.slice(4)).not.toMatch(/[ILOU]/);
    }
    expect(new Set(refs).size).toBe(refs.length);
  });
});
