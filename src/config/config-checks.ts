import type { ValidationError } from 'class-validator';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { parseOnionOrigin } from '../common/listeners/onion-address.js';
import type { ListenAddress, ListenPlan } from './app-config.js';
import type { EnvironmentVariables } from './environment-variables.js';

/*
 * What the decorators of EnvironmentVariables cannot say: formats of lists and
 * URLs, and rules across variables. Each check adds its problems to `problems`
 * (naming the variable and the rule, never the value) and returns what it read.
 */

/** `host:port`, IPv6 in brackets (`[::1]:3001`). */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port > 65535 || (match[1] !== undefined && isIP(host) !== 6)) return undefined;
  return { host, port };
}

/** The Standard Webhooks schedule after the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

function isIpOrCidr(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || ip === undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** Messages name the variable and the rule, never the value (it may be a password). */
export function describeErrors(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? { invalid: `${e.property} is invalid` }).map((m) =>
      m.startsWith(e.property) ? m : `${e.property}: ${m}`,
    ),
  );
}

/** TRUSTED_PROXIES and CORS_ORIGINS. */
export function readAddressLists(
  vars: EnvironmentVariables,
  problems: string[],
): { proxies: string[]; origins: string[] } {
  const proxies = list(vars.TRUSTED_PROXIES);
  if (proxies.some((p) => !isIpOrCidr(p))) {
    problems.push('TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges');
  }
  const origins = list(vars.CORS_ORIGINS);
  if (origins.some((o) => !isOrigin(o))) {
    problems.push(
      'CORS_ORIGINS must be a comma-separated list of origins like https://example.org',
    );
  }
  return { proxies, origins };
}

/** REDIS_URL, DATABASE_URL and DATABASE_READ_URL. */
export function checkUrls(vars: EnvironmentVariables, problems: string[]): void {
  if (vars.REDIS_URL !== undefined && !/^rediss?:\/\/[^\s]+$/.test(vars.REDIS_URL)) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (vars.DATABASE_URL !== undefined && !isPostgresUrl(vars.DATABASE_URL)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL with a host');
  }
  if (vars.DATABASE_READ_URL !== undefined) {
    if (!isPostgresUrl(vars.DATABASE_READ_URL)) {
      problems.push('DATABASE_READ_URL must be a postgres:// or postgresql:// URL with a host');
    } else if (vars.DATABASE_URL === undefined) {
      problems.push('DATABASE_READ_URL needs DATABASE_URL (the embedded database has no replica)');
    }
  }
}

/** PUBLIC_LISTEN, STAFF_LISTEN and ONION_LISTEN: all unset, or staff plus at least one other. */
export function readListenPlan(vars: EnvironmentVariables, problems: string[]): ListenPlan {
  const listen: ListenPlan = {};
  for (const [name, side] of [
    ['PUBLIC_LISTEN', 'public'],
    ['STAFF_LISTEN', 'staff'],
    ['ONION_LISTEN', 'onion'],
  ] as const) {
    const value = vars[name];
    if (value === undefined) continue;
    const address = parseListenAddress(value);
    if (address === undefined) {
      problems.push(`${name} must be host:port (an IPv6 address in brackets: [::1]:3001)`);
    } else {
      listen[side] = address;
    }
  }
  if (Object.keys(listen).length > 0) {
    if (vars.STAFF_LISTEN === undefined) {
      problems.push('STAFF_LISTEN is required when PUBLIC_LISTEN or ONION_LISTEN is set');
    }
    if (vars.PUBLIC_LISTEN === undefined && vars.ONION_LISTEN === undefined) {
      problems.push('PUBLIC_LISTEN or ONION_LISTEN is required when STAFF_LISTEN is set');
    }
    const taken = [listen.public, listen.staff, listen.onion]
      .filter((a): a is ListenAddress => a !== undefined && a.port !== 0)
      .map((a) => `${a.host}:${a.port}`);
    if (new Set(taken).size !== taken.length) {
      problems.push('PUBLIC_LISTEN, STAFF_LISTEN and ONION_LISTEN must be different addresses');
    }
  }
  return listen;
}

export function readOnionLocation(
  vars: EnvironmentVariables,
  problems: string[],
): string | undefined {
  const onionLocation =
    vars.ONION_LOCATION === undefined ? undefined : parseOnionOrigin(vars.ONION_LOCATION);
  if (vars.ONION_LOCATION !== undefined && onionLocation === undefined) {
    problems.push(
      'ONION_LOCATION must be a v3 onion origin: http://<56 characters>.onion, nothing after it',
    );
  }
  return onionLocation;
}

export function readRetrySchedule(vars: EnvironmentVariables, problems: string[]): number[] {
  const retrySchedule =
    vars.WEBHOOK_RETRY_SCHEDULE === undefined
      ? DEFAULT_WEBHOOK_RETRY_SCHEDULE
      : vars.WEBHOOK_RETRY_SCHEDULE.split(',').map((v) => Number(v.trim()));
  if (
    retrySchedule.length > 20 ||
    retrySchedule.some((n) => !Number.isInteger(n) || n < 1 || n > 86_400)
  ) {
    problems.push(
      'WEBHOOK_RETRY_SCHEDULE must be at most 20 comma-separated whole seconds, each 1 to 86400',
    );
  }
  return retrySchedule;
}

/** INTAKE_PUBLIC_KEYS as absolute paths, relative ones resolved against `cwd`. */
export function readKeyPaths(vars: EnvironmentVariables, cwd: string): string[] {
  return list(vars.INTAKE_PUBLIC_KEYS).map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
}

/** What production refuses to start without. */
export function checkProduction(
  vars: EnvironmentVariables,
  keyPaths: string[],
  problems: string[],
): void {
  if (keyPaths.length === 0) {
    problems.push(
      'INTAKE_PUBLIC_KEYS is required in production (paths of armored OpenPGP public keys)',
    );
  }
  if (vars.SERVER_SECRET === undefined) {
    problems.push('SERVER_SECRET is required in production (at least 32 random characters)');
  }
  if (vars.DATABASE_URL === undefined) {
    problems.push(
      'DATABASE_URL is required in production (the embedded database is for development)',
    );
  }
  if (vars.ONION_LISTEN !== undefined && (vars.ONION_RATE_LIMIT ?? 0) === 0) {
    // Proof of work guards the writes; the receipt check-in is a read and has none.
    problems.push(
      'ONION_LISTEN in production needs an ONION_RATE_LIMIT above 0: on the onion, per-address limits see only the Tor daemon, and the receipt check-in has no proof of work',
    );
  }
}
