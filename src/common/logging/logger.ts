import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../../config/environment.js';

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

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tipline' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, remove: true },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream | undefined,
  );
}

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
    this.write('info', message, rest);
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
