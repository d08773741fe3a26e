import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  NoteRefDto,
  TipDetailDto,
  TipListDto,
  TipSummaryDto,
} from '../tips/triage/tip-response.dto.js';
import type { MessageDto, NoteDto, PayloadDto } from '../tips/triage/tip-content.dto.js';
import {
  decryptMessage,
  decryptStream,
  readPrivateKey,
  unlockPrivateKey,
} from '../crypto/openpgp.js';
import { api, download, loadSession } from './client.js';
import { readInput, writeStdout } from './io.js';
import { countBytes, mebibytes, startProgress } from './progress.js';
import { CliError, obtainPassphrase } from './passphrase.js';

interface AttachmentMeta {
  n: number;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

/**
 * Where to save attachment n: the submitter's file name reduced to its last
 * component, refused (numbered name instead) when it would leave the folder.
 */
export function safeTarget(dir: string, n: number, name: string | undefined): string {
  const fallback = join(dir, `attachment-${n}.bin`);
  if (!name) return fallback;
  // Control characters (terminal escapes, NUL) are dropped from the name.
  // eslint-disable-next-line no-control-regex
  const cleaned = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '');
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return fallback;
  const target = resolve(dir, `${n}-${cleaned}`);
  if (!target.startsWith(dir + sep)) return fallback;
  return target;
}

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

async function decryptJson(
  armored: string,
  key: Awaited<ReturnType<typeof readPrivateKey>>,
): Promise<unknown> {
  const plaintext = await decryptMessage(Buffer.from(armored, 'utf8'), key);
  const text = Buffer.from(plaintext).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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

  tips
    .command('read')
    .description('fetch the tip, notes, messages and attachments and decrypt them here')
    .argument('<id>')
    .requiredOption('--key <file>', 'armored intake private key')
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .option('--out <dir>', 'save decrypted attachments in this folder')
    .action(async (id: string, o: { key: string; passphraseFile?: string; out?: string }) => {
      const session = await loadSession();
      let key = await readPrivateKey(await readFile(o.key, 'utf8'), o.key);
      if (key.encrypted) {
        key = await unlockPrivateKey(
          key,
          await obtainPassphrase({ file: o.passphraseFile, purpose: `unlock ${key.fingerprint}` }),
        );
      }
      const path = `/v1/triage/tips/${encodeURIComponent(id)}`;
      const detail = await api<TipDetailDto>(session, 'GET', path);
      const payload = await api<PayloadDto>(session, 'GET', `${path}/payload`);
      const { notes } = await api<{ notes: NoteDto[] }>(session, 'GET', `${path}/notes`);
      const { messages } = await api<{ messages: MessageDto[] }>(
        session,
        'GET',
        `${path}/messages`,
      );
      const tip = (await decryptJson(payload.armored, key)) as { attachments?: AttachmentMeta[] };
      const thread = {
        tip,
        notes: await Promise.all(
          notes.map(async (n) => ({
            id: n.id,
            author: n.author.username,
            createdAt: n.createdAt,
            content: await decryptJson(n.armored, key),
          })),
        ),
        messages: await Promise.all(
          messages.map(async (m) => ({
            id: m.id,
            from: m.direction === 'analyst' ? (m.author?.username ?? 'analyst') : 'submitter',
            createdAt: m.createdAt,
            content: await decryptJson(m.armored, key),
          })),
        ),
        savedAttachments: [] as string[],
      };
      if (detail.attachments.length > 0 && !o.out) {
        process.stderr.write(
          `${detail.attachments.length} attachment(s): add --out DIR to save them decrypted\n`,
        );
      }
      if (o.out) {
        const dir = resolve(o.out);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const names = new Map<number, AttachmentMeta>();
        for (const a of tip.attachments ?? []) names.set(a.n, a);
        for (const m of thread.messages) {
          for (const a of (m.content as { attachments?: AttachmentMeta[] }).attachments ?? [])
            names.set(a.n, a);
        }
        for (const a of detail.attachments) {
          const target = safeTarget(dir, a.n, names.get(a.n)?.name);
          const body = await download(session, `${path}/attachments/${a.n}`);
          const size = names.get(a.n)?.size;
          const progress = startProgress(
            (done, total) =>
              `attachment ${a.n}: ${mebibytes(done)}${total ? ` of ${mebibytes(total)} (${Math.floor((done / total) * 100)} %)` : ''} decrypted`,
          );
          const plain = countBytes(await decryptStream(body, key), progress, size);
          try {
            await pipeline(
              Readable.fromWeb(plain),
              createWriteStream(target, { mode: 0o600, flags: 'wx' }),
            );
          } finally {
            progress.end();
          }
          thread.savedAttachments.push(target);
          process.stderr.write(`saved attachment ${a.n} to ${target}\n`);
        }
      }
      await writeStdout(`${JSON.stringify(thread, null, 2)}\n`);
    });

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
