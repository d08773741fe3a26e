import type { Command } from 'commander';
import type {
  NoteRefDto,
  TipDetailDto,
  TipListDto,
  TipSummaryDto,
} from '../tips/triage/triage.dto.js';
import { api, loadSession } from './client.js';
import { readInput, writeStdout } from './io.js';
import { CliError } from './passphrase.js';
import { registerTipsReadCommand } from './tips-read.command.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function summaryLine(t: TipSummaryDto): string[] {
  return [
    t.id,
    t.reference,
    t.receivedAt.slice(0, 16).replace('T', ' '),
    t.priority,
    t.status,
    t.category,
    t.submitterUrgency,
    t.tlp,
    t.assignee?.username ?? '-',
    t.tags.join(',') || '-',
  ];
}

interface ListOptions {
  status?: string;
  category?: string;
  priority?: string;
  assignee?: string;
  tags?: string;
  sort?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

interface UpdateOptions {
  status?: string;
  priority?: string;
  severity?: string;
  tlp?: string;
  confidence?: string;
  tags?: string;
  assign?: string;
  duplicateOf?: string;
  legalHold?: string;
}

export function registerTipsClientCommands(tips: Command): void {
  tips
    .command('list')
    .description('the triage queue')
    .option('--status <list>', 'e.g. new,triaging')
    .option('--category <list>')
    .option('--priority <list>', 'e.g. P1,P2')
    .option('--assignee <who>', 'me, none or a user id')
    .option('--tags <list>', 'tips carrying all these tags')
    .option('--sort <order>', 'received_desc | received_asc | priority')
    .option('--limit <n>', '1..200', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print the raw JSON')
    .action(async (o: ListOptions) => {
      const session = await loadSession();
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries({
        status: o.status,
        category: o.category,
        priority: o.priority,
        assignee: o.assignee,
        tags: o.tags,
        sort: o.sort,
        limit: o.limit,
        cursor: o.cursor,
      })) {
        if (v !== undefined) query.set(k, v);
      }
      const page = await api<TipListDto>(session, 'GET', `/v1/triage/tips?${query.toString()}`);
      if (o.json) return writeStdout(`${JSON.stringify(page, null, 2)}\n`);
      const header = [
        'ID',
        'REFERENCE',
        'RECEIVED (UTC)',
        'PRI',
        'STATUS',
        'CATEGORY',
        'URGENCY',
        'TLP',
        'ASSIGNEE',
        'TAGS',
      ];
      await writeStdout(
        `${table([header, ...page.tips.map(summaryLine)])}\n${page.tips.length} tip(s)` +
          (page.nextCursor ? `; more with --cursor ${page.nextCursor}` : '') +
          '\n',
      );
    });

  tips
    .command('show')
    .description('metadata, notes list and counts of one tip (no content)')
    .argument('<id>')
    .action(async (id: string) => {
      const session = await loadSession();
      const tip = await api<TipDetailDto>(
        session,
        'GET',
        `/v1/triage/tips/${encodeURIComponent(id)}`,
      );
      await writeStdout(`${JSON.stringify(tip, null, 2)}\n`);
    });

  registerTipsReadCommand(tips);

  tips
    .command('update')
    .description('change triage metadata (reads the current version first)')
    .argument('<id>')
    .option('--status <status>', 'new, triaging, escalated, actioned, no_action, closed, duplicate')
    .option('--priority <p>', 'P1..P4')
    .option('--severity <n>', '1..4, or none')
    .option('--tlp <tlp>', 'clear, green, amber, amber+strict, red')
    .option('--confidence <n>', '0..100, or none')
    .option('--tags <list>', 'replace the tags (comma-separated; empty to clear)')
    .option('--assign <who>', 'me, none, or a user id')
    .option('--duplicate-of <id>', 'the original tip (with --status duplicate)')
    .option('--legal-hold <on|off>', 'leads only')
    .action(async (id: string, o: UpdateOptions) => {
      const session = await loadSession();
      const path = `/v1/triage/tips/${encodeURIComponent(id)}`;
      const current = await api<TipDetailDto>(session, 'GET', path);
      const numberOrNull = (v: string): number | null => (v === 'none' ? null : Number(v));
      const patch: Record<string, unknown> = { version: current.version };
      if (o.status) patch.status = o.status;
      if (o.priority) patch.priority = o.priority.toUpperCase();
      if (o.severity) patch.severity = numberOrNull(o.severity);
      if (o.tlp) patch.tlp = o.tlp;
      if (o.confidence) patch.confidence = numberOrNull(o.confidence);
      if (o.tags !== undefined)
        patch.tags = o.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
      if (o.assign) patch.assigneeId = o.assign === 'none' ? null : o.assign;
      if (o.duplicateOf) patch.duplicateOf = o.duplicateOf;
      if (o.legalHold) {
        if (o.legalHold !== 'on' && o.legalHold !== 'off')
          throw new CliError('--legal-hold takes on or off');
        patch.legalHold = o.legalHold === 'on';
      }
      if (Object.keys(patch).length === 1)
        throw new CliError(
          'nothing to change: give at least one of the options (see tipctl tips update --help)',
        );
      const updated = await api<TipSummaryDto>(session, 'PATCH', path, patch);
      await writeStdout(`${JSON.stringify(updated, null, 2)}\n`);
    });

  tips
    .command('note')
    .description('add an internal note (encrypted on arrival to the intake keys)')
    .argument('<id>')
    .option('--body <text>', 'the note; without it, read from standard input')
    .action(async (id: string, o: { body?: string }) => {
      const session = await loadSession();
      const body = o.body ?? (await readInput('-')).toString('utf8');
      const note = await api<NoteRefDto>(
        session,
        'POST',
        `/v1/triage/tips/${encodeURIComponent(id)}/notes`,
        { body },
      );
      await writeStdout(`note ${note.id} added at ${note.createdAt}\n`);
    });
}
