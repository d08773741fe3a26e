import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, username: string): string {
  return new TOTP({
    issuer: 'Tipline',
    label: username,
    secret: Secret.fromBase32(secretBase32),
    period: PERIOD,
  }).toString();
}

/**
 * Checks a 6-digit code (one step of clock drift either way) and returns its
 * time step, or null. A step at or before `lastStep` is refused: a code works once.
 */
export function verifyTotp(
  secretBase32: string,
  code: string,
  lastStep: bigint | null,
  now = Date.now(),
): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new TOTP({ secret: Secret.fromBase32(secretBase32), period: PERIOD });
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = BigInt(totp.counter({ timestamp: now }) + delta);
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** For tests and tipctl: the current code. */
export function currentTotp(secretBase32: string, now = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secretBase32), period: PERIOD }).generate({
    timestamp: now,
  });
}
