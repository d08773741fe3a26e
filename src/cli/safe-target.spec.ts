import { safeTarget } from './tips-read.command.js';

describe('safeTarget (saving attachments)', () => {
  const dir = '/home/analyst/case-42';

  it('keeps a plain name, numbered', () => {
    expect(safeTarget(dir, 1, 'photo.jpg')).toBe('/home/analyst/case-42/1-photo.jpg');
  });

  it.each([
    ['../../etc/passwd', '/home/analyst/case-42/2-passwd'],
    ['..\\..\\windows\\system.ini', '/home/analyst/case-42/2-system.ini'],
    ['/etc/shadow', '/home/analyst/case-42/2-shadow'],
    ['..', '/home/analyst/case-42/attachment-2.bin'],
    ['', '/home/analyst/case-42/attachment-2.bin'],
    ['bad\u0000name\u001b.txt', '/home/analyst/case-42/2-badname.txt'],
  ])('never leaves the folder: %j', (name, expected) => {
    expect(safeTarget(dir, 2, name)).toBe(expected);
  });

  it('falls back to a numbered name without one', () => {
    expect(safeTarget(dir, 3, undefined)).toBe('/home/analyst/case-42/attachment-3.bin');
  });
});
