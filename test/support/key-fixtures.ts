// Hostile fixtures (revoked, expired, signing-only keys) need openpgp directly;
// the product code reaches it only through src/crypto/openpgp.ts.
// eslint-disable-next-line no-restricted-imports
import * as openpgp from 'openpgp';

export async function revokedPublicKey(): Promise<string> {
  const { privateKey } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: 'Revoked' }],
    format: 'object',
  });
  const { publicKey } = await openpgp.revokeKey({ key: privateKey, format: 'armored' });
  return publicKey;
}

export async function signingOnlyPublicKey(): Promise<string> {
  const { privateKey } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: 'Signing only' }],
    subkeys: [],
    format: 'object',
  });
  return privateKey.toPublic().armor();
}

export async function expiredPublicKey(): Promise<string> {
  const created = new Date(Date.now() - 3 * 86_400_000);
  const { publicKey } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: 'Expired' }],
    date: created,
    keyExpirationTime: 86_400,
    format: 'armored',
  });
  return publicKey;
}

export async function privateKeyArmored(): Promise<string> {
  const { privateKey } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: 'Private' }],
    format: 'armored',
  });
  return privateKey;
}
