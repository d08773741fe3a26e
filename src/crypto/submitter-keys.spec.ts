import { generateReceipt } from './receipts.js';
import {
  createSubmitterKey,
  openForSubmitter,
  sealForSubmitter,
  unwrapSubmitterKey,
} from './submitter-keys.js';

describe('submitter reply keys', () => {
  it('round-trip: wrap under the receipt, seal a reply, open it with the unwrapped key', async () => {
    const receipt = generateReceipt();
    const tipId = '01970000-0000-7000-8000-000000000001';
    const key = createSubmitterKey(receipt, tipId);
    expect(key.publicKey).toHaveLength(32);
    expect(key.wrappedPrivateKey).toHaveLength(1 + 12 + 16 + 32);

    const sealed = await sealForSubmitter(key.publicKey, Buffer.from('reply 🦆'), tipId);
    const priv = unwrapSubmitterKey(key.wrappedPrivateKey, receipt.toUpperCase(), tipId);
    expect(priv).not.toBeNull();
    expect((await openForSubmitter(priv!, sealed, tipId)).toString()).toBe('reply 🦆');
    // Bound to its tip.
    await expect(openForSubmitter(priv!, sealed, 'another-tip')).rejects.toThrow();
  });

  it('does not open with another receipt or for another tip', () => {
    const receipt = generateReceipt();
    const key = createSubmitterKey(receipt, 'tip-a');
    expect(unwrapSubmitterKey(key.wrappedPrivateKey, generateReceipt(), 'tip-a')).toBeNull();
    expect(unwrapSubmitterKey(key.wrappedPrivateKey, receipt, 'tip-b')).toBeNull();
  });
});
