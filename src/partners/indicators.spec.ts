import { createValidationPipe } from '../common/validation.pipe.js';
import { AppError } from '../common/app-error.js';
import { IndicatorDto, type IndicatorType } from './partner-indicators.dto.js';

const pipe = createValidationPipe();

/** What the API answers about one indicator: null when accepted, else the problems listed. */
async function problems(indicator: Record<string, unknown>): Promise<unknown> {
  try {
    await pipe.transform(indicator, { type: 'body', metatype: IndicatorDto });
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err.details;
  }
}

const GOOD: Record<IndicatorType, string[]> = {
  domain: ['c2.evil.example', 'under_score.example.org'],
  ipv4: ['192.0.2.7'],
  ipv6: ['2001:db8::1'],
  url: ['https://evil.example/path?q=1', 'hxxp://evil.example/', 'ftp://files.example/x'],
  email: ['someone@evil.example'],
  md5: ['d41d8cd98f00b204e9800998ecf8427e'],
  sha1: ['DA39A3EE5E6B4B0D3255BFEF95601890AFD80709'],
  sha256: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  sha512: ['cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce'.repeat(2)],
  phone: ['+4930123456', '+123456789012345'],
  'btc-address': [
    '1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
    'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  ],
  'eth-address': ['0x52908400098527886E0F7030069857D2E4169EE7'],
  text: ['a handle on a forum'],
};

const BAD: Record<IndicatorType, string[]> = {
  domain: ['localhost', 'not a domain', '192.0.2.7'],
  ipv4: ['256.0.0.1', '2001:db8::1'],
  ipv6: ['192.0.2.7', '2001:db8::g'],
  url: ['evil.example/path', 'javascript:alert(1)', 'gopher://evil.example/'],
  email: ['someone@', 'evil.example'],
  md5: ['d41d8cd98f00b204e9800998ecf8427', 'g41d8cd98f00b204e9800998ecf8427e'],
  sha1: ['da39a3ee5e6b4b0d3255bfef95601890afd8070'],
  sha256: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85'],
  sha512: ['cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce'],
  phone: ['4930123456', '+0301234567', '+12345', '+1234567890123456'],
  'btc-address': [
    '0BoatSLRHtKNngkdXEeobR76b53LETtpyT',
    'bc1Oar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  ],
  'eth-address': [
    '52908400098527886E0F7030069857D2E4169EE7',
    '0x52908400098527886E0F7030069857D2E4169EE',
  ],
  text: ['   ', '\t\n'],
};

describe('partner indicator checks', () => {
  it.each(Object.entries(GOOD))('accepts a valid %s', async (type, values) => {
    for (const value of values) expect(await problems({ type, value })).toBeNull();
  });

  it.each(Object.entries(BAD))('refuses an invalid %s, naming the type', async (type, values) => {
    for (const value of values) {
      expect(await problems({ type, value })).toEqual([
        { field: 'value', problem: `is not a valid ${type}` },
      ]);
    }
  });

  it("does not check a value against another type's rule", async () => {
    expect(await problems({ type: 'sha1', value: GOOD.md5[0] })).not.toBeNull();
    expect(await problems({ type: 'ipv4', value: GOOD.domain[0] })).not.toBeNull();
  });

  it('refuses an unknown type without repeating it', async () => {
    const details = (await problems({ type: 'CANARY-type', value: 'x' })) as Array<{
      field: string;
      problem: string;
    }>;
    expect(details).toContainEqual({
      field: 'value',
      problem: 'cannot be checked without a valid type',
    });
    expect(details.some((d) => d.field === 'type')).toBe(true);
    expect(JSON.stringify(details)).not.toContain('CANARY');
  });

  it('refuses a value that is empty or longer than 2048', async () => {
    expect(await problems({ type: 'text', value: '' })).not.toBeNull();
    expect(await problems({ type: 'text', value: 'x'.repeat(2049) })).not.toBeNull();
    expect(await problems({ type: 'text', value: 'x'.repeat(2048) })).toBeNull();
  });
});
