import type { Command } from 'commander';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { decryptMessage } from '../crypto/openpgp.js';
import type { RecordTipExportDto, TipExportRecordDto } from '../tips/triage/tip-export.dto.js';
import type { PayloadDto, TipDetailDto } from '../tips/triage/triage.dto.js';
import { api, loadSession, type StoredSession } from './client.js';
import { buildMispEvent } from './exports/misp.js';
import { buildStixBundle } from './exports/stix.js';
import { buildTheHiveAlert } from './exports/thehive.js';
import {
  assertPushAllowed,
  ExportRefused,
  type DecryptedTip,
  type TipExportInput,
} from './exports/tip-export.js';
import { writeStdout } from './io.js';
import { CliError } from './passphrase.js';
import { loadPrivateKey } from './private-key.js';

const PUSH_TIMEOUT_MS = 30_000;

interface KeyOptions {
  key: string;
  passphraseFile?: string;
  includeNarrative?: boolean;
}

/** Fetches a tip's metadata and ciphertext and decrypts the content here. */
async function loadTip(
  session: StoredSession,
  id: string,
  o: KeyOptions,
): Promise<Omit<TipExportInput, 'now'>> {
  const key = await loadPrivateKey(o.key, o.passphraseFile);
  const path = `/v1/triage/tips/${encodeURIComponent(id)}`;
  const tip = await api<TipDetailDto>(session, 'GET', path);
  const payload = await api<PayloadDto>(session, 'GET', `${path}/payload`);
  const plaintext = await decryptMessage(Buffer.from(payload.armored, 'utf8'), key);
  let content: DecryptedTip;
  try {
    content = JSON.parse(Buffer.from(plaintext).toString('utf8')) as DecryptedTip;
  } catch {
    throw new CliError('the decrypted tip is not a Tipline envelope');
  }
  if (content.reference !== undefined && content.reference !== tip.reference) {
    throw new CliError('the decrypted tip names another reference: refusing to export it');
  }
  return { tip, content, includeNarrative: o.includeNarrative === true };
}

/** Recorded on the server before any plaintext leaves this machine. */
async function recordExport(
  session: StoredSession,
  id: string,
  record: RecordTipExportDto,
): Promise<TipExportRecordDto> {
  return api<TipExportRecordDto>(
    session,
    'POST',
    `/v1/triage/tips/${encodeURIComponent(id)}/exports`,
    record,
  );
}

function refusal(err: unknown): never {
  if (err instanceof ExportRefused) throw new CliError(err.message);
  throw err;
}

/** Plain HTTP only to this machine: a tip never crosses a network in clear. */
export function pushUrl(base: string, path: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(`${option}: not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new CliError(`${option}: use https:// (plain http only to this machine)`);
  }
  return new URL(path.replace(/^\//, ''), url.href.endsWith('/') ? url.href : `${url.href}/`);
}

async function readKeyFile(file: string, option: string): Promise<string> {
  const key = (await readFile(file, 'utf8')).trim();
  if (key === '' || /[\r\n]/.test(key)) throw new CliError(`${option}: one API key on one line`);
  return key;
}

interface PushResponse {
  status: number;
  body: unknown;
}

async function postJson(
  url: URL,
  headers: Record<string, string>,
  body: unknown,
): Promise<PushResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new CliError(`cannot reach ${url.host}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: json };
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  const b = body as { message?: unknown; name?: unknown; errors?: unknown };
  const parts = [b.name, b.message].filter((p) => typeof p === 'string');
  return parts.length > 0 ? parts.join(': ') : JSON.stringify(body).slice(0, 200);
}

export function registerTipsExportCommands(tips: Command): void {
  tips
    .command('export')
    .description(
      'decrypt a tip here and write it as a STIX 2.1 bundle or a MISP event (audited; mode 0600)',
    )
    .argument('<id>')
    .requiredOption('--key <file>', 'armored intake private key')
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .requiredOption('--format <format>', 'stix or misp')
    .option('--include-narrative', 'let the narrative (and indicator descriptions) leave too')
    .option('--out <file>', 'write to this file (mode 0600) instead of standard output')
    .action(async (id: string, o: KeyOptions & { format: string; out?: string }) => {
      if (o.format !== 'stix' && o.format !== 'misp') throw new CliError('--format stix|misp');
      const session = await loadSession();
      const loaded = await loadTip(session, id, o);
      const input = { ...loaded, now: new Date() };
      let document: unknown;
      try {
        document = o.format === 'stix' ? buildStixBundle(input) : buildMispEvent(input);
      } catch (err) {
        refusal(err);
      }
      await recordExport(session, loaded.tip.id, {
        format: o.format,
        target: o.out !== undefined ? 'file' : 'stdout',
        includesNarrative: input.includeNarrative,
      });
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (o.out !== undefined) {
        await writeFile(o.out, text, { mode: 0o600 });
        // An existing file keeps its mode through writeFile: narrow it.
        await chmod(o.out, 0o600);
        process.stderr.write(
          `wrote ${loaded.tip.reference} as ${o.format === 'stix' ? 'STIX 2.1' : 'MISP'} to ${o.out} ` +
            `(TLP:${loaded.tip.tlp.toUpperCase()}${input.includeNarrative ? ', with narrative' : ''})\n`,
        );
      } else {
        await writeStdout(text);
      }
    });

  tips
    .command('push')
    .description('decrypt a tip here and send it to MISP (event) or TheHive (alert); audited')
    .argument('<id>')
    .requiredOption('--key <file>', 'armored intake private key')
    .option('--passphrase-file <file>', 'read the private key passphrase from this file')
    .option('--misp <url>', 'MISP base URL (POST /events/add)')
    .option('--misp-key-file <file>', 'file holding the MISP API key')
    .option('--thehive <url>', 'TheHive 5 base URL (POST /api/v1/alert)')
    .option('--thehive-key-file <file>', 'file holding the TheHive API key')
    .option('--include-narrative', 'let the narrative (and indicator descriptions) leave too')
    .action(
      async (
        id: string,
        o: KeyOptions & {
          misp?: string;
          mispKeyFile?: string;
          thehive?: string;
          thehiveKeyFile?: string;
        },
      ) => {
        if ((o.misp === undefined) === (o.thehive === undefined)) {
          throw new CliError('give one of --misp URL or --thehive URL');
        }
        const target = o.misp !== undefined ? 'misp' : 'thehive';
        const keyFile = target === 'misp' ? o.mispKeyFile : o.thehiveKeyFile;
        if (keyFile === undefined) throw new CliError(`--${target}-key-file is required`);
        const url =
          target === 'misp'
            ? pushUrl(o.misp!, '/events/add', '--misp')
            : pushUrl(o.thehive!, '/api/v1/alert', '--thehive');
        const apiKey = await readKeyFile(keyFile, `--${target}-key-file`);
        const session = await loadSession();
        const loaded = await loadTip(session, id, o);
        try {
          assertPushAllowed(loaded.tip.tlp);
        } catch (err) {
          refusal(err);
        }
        const input = { ...loaded, now: new Date() };
        const document = target === 'misp' ? buildMispEvent(input) : buildTheHiveAlert(input);
        await recordExport(session, loaded.tip.id, {
          format: target,
          target,
          destination: url.host,
          includesNarrative: input.includeNarrative,
        });
        const reference = loaded.tip.reference;
        if (target === 'misp') {
          const res = await postJson(url, { authorization: apiKey }, document);
          if (res.status < 200 || res.status >= 300) {
            const message = messageOf(res.body);
            if (/already exists/i.test(message)) {
              throw new CliError(
                `MISP already has the event of ${reference}: edit it there (${message})`,
              );
            }
            throw new CliError(`MISP refused the event: HTTP ${res.status}: ${message}`);
          }
          const event = (res.body as { Event?: { id?: string; uuid?: string } }).Event;
          await writeStdout(
            `pushed ${reference} to MISP ${url.host} as event ${event?.id ?? '?'} (uuid ${event?.uuid ?? '?'})\n`,
          );
        } else {
          const res = await postJson(url, { authorization: `Bearer ${apiKey}` }, document);
          if (res.status < 200 || res.status >= 300) {
            const message = messageOf(res.body);
            if ((res.status === 400 || res.status === 409) && /exist|duplicate/i.test(message)) {
              throw new CliError(
                `TheHive already has an alert for ${reference} (source tipline, sourceRef ${reference}): not pushed again`,
              );
            }
            throw new CliError(`TheHive refused the alert: HTTP ${res.status}: ${message}`);
          }
          const alert = res.body as { _id?: string };
          await writeStdout(
            `pushed ${reference} to TheHive ${url.host} as alert ${alert._id ?? '?'}\n`,
          );
        }
      },
    );
}
