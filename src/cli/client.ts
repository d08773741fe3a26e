import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './passphrase.js';

export interface StoredSession {
  url: string;
  token: string;
  username: string;
  expiresAt: string;
}

export function sessionFile(): string {
  const base =
    process.env.TIPCTL_CONFIG_DIR ??
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'tipline');
  return join(base, 'session.json');
}

export async function saveSession(session: StoredSession): Promise<void> {
  const file = sessionFile();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(session, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function loadSession(): Promise<StoredSession> {
  try {
    return JSON.parse(await readFile(sessionFile(), 'utf8')) as StoredSession;
  } catch {
    throw new CliError('not logged in: run tipctl login first');
  }
}

export async function forgetSession(): Promise<void> {
  await rm(sessionFile(), { force: true });
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: Array<{ field?: string; problem?: string }>;
  };
}

/** A JSON call to the API; errors become CliErrors with the server's message. */
export async function api<T>(
  session: { url: string; token?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, session.url), {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    throw new CliError(`cannot reach ${session.url}: ${(err as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${method} ${path}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) {
    const e = (json as ErrorBody).error;
    const details = (e?.details ?? [])
      .map((d) => `\n  ${d.field ? `${d.field}: ` : ''}${d.problem ?? ''}`)
      .join('');
    const hint = res.status === 401 ? ' (session expired? run tipctl login)' : '';
    throw new CliError(`${e?.message ?? `HTTP ${res.status}`}${details}${hint}`);
  }
  return json as T;
}

/** A binary download (attachment ciphertext) as a web stream. */
export async function download(
  session: { url: string; token?: string },
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  const res = await fetch(new URL(path, session.url), {
    headers: session.token ? { authorization: `Bearer ${session.token}` } : {},
  });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as ErrorBody).error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new CliError(`${path}: ${message}`);
  }
  return res.body;
}
