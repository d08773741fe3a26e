import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MessageDto, NoteDto, PayloadDto, TipDetailDto } from '../tips/triage/triage.dto.js';
import { decryptMessage, decryptStream, type PrivateKeyInfo } from '../crypto/openpgp.js';
import { api, download, loadSession } from './client.js';
import { writeStdout } from './io.js';
import { loadPrivateKey } from './private-key.js';
import { countBytes, mebibytes, startProgress } from './progress.js';

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

async function decryptJson(armored: string, key: PrivateKeyInfo): Promise<unknown> {
  const plaintext = await decryptMessage(Buffer.from(armored, 'utf8'), key);
  const text = Buffer.from(plaintext).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `tipctl tips read`: one case (tip, notes, messages, attachments) decrypted here. */
export function registerTipsReadCommand(tips: Command): void {
  tips
    .command('read')
    .description('fetch the tip, notes, messages and attachments and decrypt them here')
    .argument('<id>')
    .requiredOption('--key <file>', 'armored intake private key')
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .option('--out <dir>', 'save decrypted attachments in this folder')
    .action(async (id: string, o: { key: string; passphraseFile?: string; out?: string }) => {
      const session = await loadSession();
      const key = await loadPrivateKey(o.key, o.passphraseFile);
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
}
