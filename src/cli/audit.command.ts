import type { Command } from 'commander';
import { ChainVerifier, type VerifyResult } from '../audit/audit-log.js';
import type { AuditEventDto } from '../audit/audit.dto.js';
import { api, loadSession } from './client.js';
import { writeStdout } from './io.js';

/** Recomputes the hash chain from events in id order, trusting nothing the server computed. */
export function verifyEvents(events: AuditEventDto[]): VerifyResult {
  const verifier = new ChainVerifier();
  for (const e of events) {
    const row = {
      id: e.id,
      occurredAt: new Date(e.occurredAt),
      actorId: e.actor.id,
      actorUsername: e.actor.username,
      actorRole: e.actor.role,
      action: e.action,
      targetType: e.target.type,
      targetId: e.target.id,
      ip: e.ip,
      details: e.details,
      prevHash: Buffer.from(e.prevHash, 'hex'),
      hash: Buffer.from(e.hash, 'hex'),
    };
    if (!verifier.push(row)) break;
  }
  return verifier.result();
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit trail (auditor role)');
  audit
    .command('verify')
    .description('download every audit event and recompute the hash chain locally')
    .option('--expect-head <hash>', 'fail unless the newest hash is this one (detects truncation)')
    .action(async (o: { expectHead?: string }) => {
      const session = await loadSession();
      const events: AuditEventDto[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=500&cursor=${cursor}` : '?limit=500';
        const page: { events: AuditEventDto[]; nextCursor: string | null } = await api(
          session,
          'GET',
          `/v1/audit/events${query}`,
        );
        events.push(...page.events);
        cursor = page.nextCursor;
        process.stderr.write(`\rfetched ${events.length} events`);
      } while (cursor);
      process.stderr.write('\n');
      events.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const result = verifyEvents(events);
      if (result.ok && o.expectHead && result.headHash !== o.expectHead.toLowerCase()) {
        await writeStdout(
          `FAIL: chain intact over ${result.checked} events, but the head is ${result.headHash}, not the expected one (events removed from the end?)\n`,
        );
        throw Object.assign(new Error('head mismatch'), { quiet: true });
      }
      if (!result.ok) {
        await writeStdout(
          `FAIL: audit chain broken at event ${result.firstBroken!.id} (${result.firstBroken!.reason}) after ${result.checked} good events\n`,
        );
        throw Object.assign(new Error('broken chain'), { quiet: true });
      }
      await writeStdout(
        `OK: ${result.checked} events, chain intact; head ${result.headHash ?? '(empty)'}\n`,
      );
    });
}
