import { randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so a reference survives being read aloud. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `TIP-XXXX-XXXX`: 40 random bits, unique in the database. */
export function generateTipReference(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `TIP-${s.slice(0, 4)}-${s.slice(4)}`;
}

export const TIP_REFERENCE_PATTERN = /^TIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
