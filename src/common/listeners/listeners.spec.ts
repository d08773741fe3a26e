import { serves } from './listeners.js';

describe('which listener serves a route', () => {
  it('serves everything on a single listener, undeclared routes included', () => {
    for (const route of ['public', 'staff', 'partner', undefined] as const) {
      expect(serves('main', route, 'public')).toBe(true);
    }
  });

  it('splits public, onion and staff, and puts partners where PARTNER_LISTENER says', () => {
    expect(serves('public', 'public', 'public')).toBe(true);
    expect(serves('onion', 'public', 'public')).toBe(true);
    expect(serves('staff', 'public', 'public')).toBe(false);
    expect(serves('staff', 'staff', 'public')).toBe(true);
    expect(serves('public', 'staff', 'public')).toBe(false);
    expect(serves('onion', 'staff', 'public')).toBe(false);
    expect(serves('public', 'partner', 'public')).toBe(true);
    expect(serves('staff', 'partner', 'public')).toBe(false);
    expect(serves('staff', 'partner', 'staff')).toBe(true);
    expect(serves('onion', 'partner', 'staff')).toBe(false);
  });

  it('serves an undeclared route on no listener of a split service', () => {
    for (const listener of ['public', 'onion', 'staff'] as const) {
      expect(serves(listener, undefined, 'public')).toBe(false);
    }
  });
});
