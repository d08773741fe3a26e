import type { ApiKeyScope } from '../../src/partners/api-keys.js';
import { PartnerApiKeysService } from '../../src/partners/partner-api-keys.service.js';
import { PartnersService } from '../../src/partners/partners.service.js';
import type { TestApp } from './app.js';
import { uniqueName } from './staff.js';

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
