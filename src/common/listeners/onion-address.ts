import { createHash } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * Whether `label` (without `.onion`) is a v3 onion address: 56 base32
 * characters encoding PUBKEY (32 bytes) | CHECKSUM (2) | VERSION (0x03), where
 * CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2] (Tor's
 * rend-spec-v3, "Encoding onion addresses"). A typo fails the checksum.
 */
export function isOnionV3Label(label: string): boolean {
  if (!/^[a-z2-7]{56}$/.test(label)) return false;
  const bytes = base32Decode(label);
  const pubkey = bytes.subarray(0, 32);
  const checksum = bytes.subarray(32, 34);
  const version = bytes[34];
  if (version !== 3) return false;
  const expected = createHash('sha3-256')
    .update('.onion checksum')
    .update(pubkey)
    .update(Buffer.of(3))
    .digest()
    .subarray(0, 2);
  return expected.equals(checksum);
}

/**
 * Parses an onion origin (`http://<56 chars>.onion`, optionally `https://`,
 * no path, query or port; a trailing slash is dropped). Undefined when invalid.
 */
export function parseOnionOrigin(value: string): string | undefined {
  const match = /^(https?):\/\/([a-z2-7]{56})\.onion\/?$/.exec(value.trim().toLowerCase());
  if (!match || !isOnionV3Label(match[2]!)) return undefined;
  return `${match[1]}://${match[2]}.onion`;
}
