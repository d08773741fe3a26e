import { createSecretKey, type KeyObject } from 'node:crypto';

const keys = new WeakMap<Buffer, KeyObject>();

/**
 * A secret as a KeyObject, made once per secret. `createHmac` with raw bytes
 * costs about 34 µs on Node 24 (it probes the argument for a key object by
 * throwing), with a KeyObject about 6 µs: this is on every request's path.
 */
export function hmacKey(secret: Buffer): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(secret);
    keys.set(secret, key);
  }
  return key;
}
