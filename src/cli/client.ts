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

/** What to do after an error answer, by status. */
function nextStep(status: number, retryAfter: string | null): string | undefined {
  if (status === 400 || status === 422) return 'check the values given';
  if (status === 401) return 'session expired or missing? run tipctl login';
  if (status === 403) return 'your role does not allow this; ask a lead or an admin';
  if (status === 404) return 'check the id or reference (tipctl tips list)';
  if (status === 409)
    return 'it changed meanwhile or the change is not allowed: look at it again, then retry';
  if (status === 413) return 'the data is larger than the service accepts';
  if (status === 429) return `wait${retryAfter ? ` ${retryAfter} s` : ''} and retry`;
  if (status >= 500)
    return 'the service could not do it now: retry later, or ask its operator to look at its log';
  return undefined;
}

function unreachable(url: string, err: unknown): CliError {
  const { cause } = err as { cause?: { code?: string; message?: string } };
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new CliError(
    `cannot reach ${url} (${why}): is the service running there? give the right address with --url or TIPLINE_URL`,
  );
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
    throw unreachable(session.url, err);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(
      `${method} ${path}: HTTP ${res.status}, not JSON: is ${session.url} a Tipline service? check --url`,
    );
  }
  if (!res.ok) {
    const e = (json as ErrorBody).error;
    const details = (e?.details ?? [])
      .map((d) => `${d.field ? `${d.field}: ` : ''}${d.problem ?? ''}`)
      .join('; ');
    const hint = nextStep(res.status, res.headers.get('retry-after'));
    throw new CliError(
      `${(e?.message ?? `HTTP ${res.status}`).replace(/\.$/, '')}${details ? ` (${details})` : ''}${hint ? `: ${hint}` : ''}`,
    );
  }
  return json as T;
}

/** A binary download (attachment ciphertext) as a web stream. */
export async function download(
  session: { url: string; token?: string },
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, session.url), {
      headers: session.token ? { authorization: `Bearer ${session.token}` } : {},
    });
  } catch (err) {
    throw unreachable(session.url, err);
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as ErrorBody).error?.message ?? message;
    } catch {
      // not JSON
    }
    const hint = nextStep(res.status, res.headers.get('retry-after'));
    throw new CliError(`${path}: ${message}${hint ? `: ${hint}` : ''}`);
  }
  return res.body;
}
