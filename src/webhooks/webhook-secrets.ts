import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';

export const WEBHOOK_SECRET_BOX = Symbol('WEBHOOK_SECRET_BOX');

/** A Standard Webhooks secret: `whsec_` and base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * The signing secrets of an endpoint, newest first, sealed under
 * SERVER_SECRET so a stolen database does not give them away. While a secret
 * rotates, both are kept and every message carries both signatures.
 */
export function sealSecrets(box: SecretBox, endpointId: string, secrets: string[]): Buffer {
  return box.seal(Buffer.from(secrets.join(' '), 'utf8'), `webhook:${endpointId}`);
}

export function openSecrets(box: SecretBox, endpointId: string, sealed: Buffer): string[] {
  return box.open(sealed, `webhook:${endpointId}`).toString('utf8').split(' ');
}
