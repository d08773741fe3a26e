import type { Command } from 'commander';
import type { ApiKeyDto, PartnerDto } from '../admin/partners.dto.js';
import { api, loadSession } from './client.js';
import { writeStdout } from './io.js';

interface CreateOptions {
  name: string;
  requireSignature?: boolean;
  requestsPerMinute?: string;
  tipsPerDay?: string;
}

/** Admin commands over the API: partners and their keys. */
export function registerPartnersCommands(program: Command): void {
  const partners = program
    .command('partners')
    .description('partner companies and their API keys (admin)');

  partners.command('list').action(async () => {
    const session = await loadSession();
    const { partners: list } = await api<{ partners: PartnerDto[] }>(
      session,
      'GET',
      '/v1/admin/partners',
    );
    await writeStdout(
      list
        .map(
          (p) =>
            `${p.id}  ${p.name}  rpm=${p.requestsPerMinute} per-day=${p.tipsPerDay}${p.requireSignature ? ' signed' : ''}${p.disabled ? ' DISABLED' : ''}`,
        )
        .join('\n') + '\n',
    );
  });

  partners
    .command('create')
    .requiredOption('--name <name>')
    .option('--require-signature', 'every submission must be signed')
    .option('--requests-per-minute <n>')
    .option('--tips-per-day <n>')
    .action(async (o: CreateOptions) => {
      const session = await loadSession();
      const partner = await api<PartnerDto>(session, 'POST', '/v1/admin/partners', {
        name: o.name,
        requireSignature: o.requireSignature ?? false,
        ...(o.requestsPerMinute ? { requestsPerMinute: Number(o.requestsPerMinute) } : {}),
        ...(o.tipsPerDay ? { tipsPerDay: Number(o.tipsPerDay) } : {}),
      });
      await writeStdout(`${JSON.stringify(partner, null, 2)}\n`);
    });

  const keys = partners.command('keys').description('API keys of a partner');
  keys
    .command('create')
    .argument('<partnerId>')
    .option('--scopes <list>', 'tips:submit,tips:read', 'tips:submit,tips:read')
    .option('--label <label>')
    .option('--expires <iso>', 'expiry, e.g. 2027-06-30T00:00:00Z')
    .action(async (partnerId: string, o: { scopes: string; label?: string; expires?: string }) => {
      const session = await loadSession();
      const created = await api<{ apiKey: string; key: ApiKeyDto }>(
        session,
        'POST',
        `/v1/admin/partners/${encodeURIComponent(partnerId)}/api-keys`,
        { scopes: o.scopes.split(',').map((s) => s.trim()), label: o.label, expiresAt: o.expires },
      );
      process.stderr.write(
        'The key is shown once; hand it to the partner over a secure channel.\n',
      );
      await writeStdout(`${created.apiKey}\n`);
    });
  keys
    .command('list')
    .argument('<partnerId>')
    .action(async (partnerId: string) => {
      const session = await loadSession();
      const { apiKeys } = await api<{ apiKeys: ApiKeyDto[] }>(
        session,
        'GET',
        `/v1/admin/partners/${encodeURIComponent(partnerId)}/api-keys`,
      );
      await writeStdout(
        apiKeys
          .map(
            (k) =>
              `${k.id}  ${k.scopes.join(',')}  ${k.label ?? '-'}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  last used ${k.lastUsedAt ?? 'never'}`,
          )
          .join('\n') + '\n',
      );
    });
  keys
    .command('revoke')
    .argument('<partnerId>')
    .argument('<keyId>')
    .action(async (partnerId: string, keyId: string) => {
      const session = await loadSession();
      await api(
        session,
        'DELETE',
        `/v1/admin/partners/${encodeURIComponent(partnerId)}/api-keys/${encodeURIComponent(keyId)}`,
      );
      await writeStdout(`revoked ${keyId}\n`);
    });
}
