import { addressTracker } from './address-tracker.js';

const secret = Buffer.from('address-tracker-spec-secret-0123456789');

describe('addressTracker', () => {
  it('counts an IPv6 /64 as one address and never contains the address', () => {
    const a = addressTracker(secret, '2001:db8:1:2::1');
    expect(addressTracker(secret, '2001:db8:1:2::8')).toBe(a);
    expect(addressTracker(secret, '2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(a);
    expect(addressTracker(secret, '2001:db8:1:3::1')).not.toBe(a);
    expect(a).not.toContain('2001');
  });

  it('keeps IPv4 addresses apart', () => {
    expect(addressTracker(secret, '192.0.2.1')).not.toBe(addressTracker(secret, '192.0.2.2'));
  });

  it('depends on the secret', () => {
    expect(addressTracker(secret, '192.0.2.1')).not.toBe(
      addressTracker(Buffer.from('another-secret-0123456789abcdef'), '192.0.2.1'),
    );
  });
});
