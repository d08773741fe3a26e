import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { ApiKeyScope } from '../../src/partners/api-keys.js';
import { PartnerApiKeysService } from '../../src/partners/partner-api-keys.service.js';
import { PartnersService } from '../../src/partners/partners.service.js';
import type { TestApp } from './app.js';
import { bearer, uniqueName } from './staff.js';

/**
 * A partner made on the host (as `tipctl partners create` does) and one API
 * key for it; returns the key's token (`tpk_...`).
 */
export async function partnerToken(
  t: TestApp,
  settings: { name: string; requestsPerMinute?: number; tipsPerDay?: number },
  scopes: ApiKeyScope[] = ['tips:submit', 'tips:read'],
): Promise<string> {
  const partners = t.app.get(PartnersService);
  const apiKeys = t.app.get(PartnerApiKeysService);
  const host = { actor: null, ip: null };
  const partner = await partners.create({ ...settings, name: uniqueName(settings.name) }, host);
  return (await apiKeys.createKey(partner.id, { scopes }, host)).token;
}

export interface ApiPartner {
  id: string;
  /** The API key's token (`tpk_...`), shown once. */
  key: string;
}

/**
 * A partner and one API key (label `ci`) made by an admin through the admin
 * API, as an operator does; `settings` go into the partner's body.
 */
export async function partnerThroughAdminApi(
  t: TestApp,
  admin: { token: string },
  settings: Record<string, unknown> = {},
  scopes: ApiKeyScope[] = ['tips:submit', 'tips:read'],
): Promise<ApiPartner> {
  const created = await request(t.server)
    .post('/v1/admin/partners')
    .set(...bearer(admin))
    .send({ name: `Partner ${randomUUID()}`, ...settings })
    .expect(201);
  const key = await request(t.server)
    .post(`/v1/admin/partners/${created.body.id}/api-keys`)
    .set(...bearer(admin))
    .send({ scopes, label: 'ci' })
    .expect(201);
  return { id: created.body.id as string, key: key.body.apiKey as string };
}
