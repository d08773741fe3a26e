import { DEFAULT_IPV6_SUBNET_PREFIX, normalizeIp } from '@nestjs/throttler';
import { createHmac } from 'node:crypto';
import { hmacKey } from '../../crypto/hmac-key.js';

/**
 * The key a client's address is counted under: an HMAC, so no store ever
 * holds the address. IPv6 addresses count by their /64, which one subscriber
 * usually has whole (otherwise rotating addresses inside it dodges a limit).
 */
export function addressTracker(secret: Buffer, ip: string): string {
  return createHmac('sha256', hmacKey(secret))
    .update(`addr:${normalizeIp(ip, DEFAULT_IPV6_SUBNET_PREFIX)}`)
    .digest('base64url');
}
