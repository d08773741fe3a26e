import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevel } from '../../config/environment.js';

/**
 * Paths removed from every log line, whatever logs them: credentials and
 * anything a request carried. Request lines are built from an allow-list
 * anyway (see request-log.ts); this is the second fence.
 */
export const REDACT_PATHS = [
  'req',
  'res',
  'body',
  'headers',
  'authorization',
  'password',
  'token',
  'receipt',
  'apiKey',
  'ip',
  'address',
  '*.authorization',
  '*.password',
  '*.token',
  '*.receipt',
  '*.body',
  '*.headers',
  '*.ip',
];

/**
 * `auto` means readable lines for a person at a terminal (outside production),
 * JSON for everything else: log shippers, pipes, files, production.
 */
export function resolveLogFormat(
  format: LogFormat,
  stdoutIsTerminal: boolean,
  production: boolean,
): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return stdoutIsTerminal && !production ? 'pretty' : 'json';
}

/**
 * Readable one-line form of the JSON lines pino produces. The line is
 * formatted from pino's output, so it holds exactly what the JSON form holds:
 * redaction and the request allow-list apply before either is written.
 * Synchronous, like pino's default destination, so the last lines before an
 * exit are never lost.
 */
function prettyDestination(destination?: NodeJS.WritableStream): pino.DestinationStream {
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  const format = prettyFactory({
    colorize: destination === undefined && process.stdout.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context,summary,stoppedMs',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return { write: (line: string) => void out.write(format(line)) };
}

export function createLogger(
  level: LogLevel,
  destination?: NodeJS.WritableStream,
  format: 'pretty' | 'json' = 'json',
): Logger {
  return pino(
    {
      level,
      base: { service: 'tipline' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, remove: true },
      formatters: { level: (label) => ({ level: label }) },
    },
    format === 'pretty'
      ? prettyDestination(destination)
      : ((destination as pino.DestinationStream | undefined) ?? jsonDestination()),
  );
}

/**
 * JSON lines to stdout without a write(2) per line on the event loop: lines
 * are buffered and written in the background once 4 KiB have gathered, or
 * every 100 ms, so a quiet service's lines still appear at once. pino writes
 * what is buffered synchronously when the process exits (a crash included);
 * only a SIGKILL loses the last 100 ms of lines.
 */
function jsonDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
}

/**
 * Nest's start-up narration (every module initialised, every route mapped):
 * useful when debugging the wiring, noise otherwise. Its info lines go to
 * debug; the service's own start-up summary says what matters.
 */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's logger interface over pino: one JSON line per message. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ): void {
    const context =
      typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'error' && typeof rest[0] === 'string' && rest.length > 1) {
      this.logger.error({ context, stack: rest[0] }, text);
      return;
    }
    this.logger[level]({ context }, text);
  }

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    const startUp = typeof context === 'string' && START_UP_CONTEXTS.has(context);
    this.write(startUp ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
}
