import { isOnionV3Label, parseOnionOrigin } from './onion-address.js';

// The Tor Project's own onion service (published on torproject.org).
const TORPROJECT = '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid';

describe('onion addresses', () => {
  it('accepts a real v3 address and normalises the origin', () => {
    expect(isOnionV3Label(TORPROJECT)).toBe(true);
    expect(parseOnionOrigin(`http://${TORPROJECT}.onion/`)).toBe(`http://${TORPROJECT}.onion`);
    expect(parseOnionOrigin(`https://${TORPROJECT}.onion`)).toBe(`https://${TORPROJECT}.onion`);
  });

  it('refuses a typo (checksum), v2 addresses, paths, ports and other hosts', () => {
    const typo = `${TORPROJECT.slice(0, 10)}${TORPROJECT[10] === 'a' ? 'b' : 'a'}${TORPROJECT.slice(11)}`;
    expect(isOnionV3Label(typo)).toBe(false);
    for (const bad of [
      `http://${typo}.onion`,
      'http://expyuzz4wqqyqhjn.onion',
      `http://${TORPROJECT}.onion/path`,
      `http://${TORPROJECT}.onion:8080`,
      `ftp://${TORPROJECT}.onion`,
      `http://${TORPROJECT}.example.org`,
      `${TORPROJECT}.onion`,
    ]) {
      expect(parseOnionOrigin(bad)).toBeUndefined();
    }
  });
});
