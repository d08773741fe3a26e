import { HttpException, Logger } from '@nestjs/common';
import { AppError, type ErrorCode } from './app-error.js';
import { errorBody, type ErrorBody } from './error-body.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

const SAFE_MESSAGES: Record<ErrorCode, string> = {
  bad_request: 'The request is invalid.',
  validation_failed: 'The request body is invalid.',
  malformed_json: 'The request body is not valid JSON.',
  unauthenticated: 'Authentication is required.',
  forbidden: 'You are not allowed to do this.',
  password_change_required: 'Set a new password first.',
  version_conflict: 'The object changed since you read it.',
  invalid_transition: 'This status change is not allowed.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  conflict: 'Conflict.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Unsupported content type; send application/json.',
  unprocessable: 'The request cannot be processed.',
  rate_limited: 'Too many requests.',
  quota_exceeded: 'Quota exceeded.',
  idempotency_key_required: 'An Idempotency-Key header is required.',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request.',
  idempotency_in_flight: 'A request with this Idempotency-Key is still being processed.',
  source_ref_conflict: 'This sourceRef was already submitted.',
  signature_invalid: 'The signature does not verify.',
  export_refused: 'This export is refused.',
  proof_of_work_required: 'A proof of work is required.',
  proof_of_work_invalid: 'The proof of work is not valid.',
  proof_of_work_replayed: 'The proof of work was already used.',
  intake_unavailable: 'Tips cannot be accepted right now.',
  unavailable: 'The service is unavailable.',
  internal: 'Internal error.',
};

export interface MappedError {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number;
}

interface FastifyLikeError {
  code?: string;
}

const MALFORMED_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

const logger = new Logger('Errors');

/**
 * The one place that turns anything thrown into the public error shape.
 * Framework messages are replaced by fixed texts: some of them quote the
 * request (a bad JSON token, a path), and submitted content must never be echoed.
 */
export function mapError(err: unknown): MappedError {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: errorBody(err.code, err.message, err.details),
      retryAfterSeconds: err.retryAfterSeconds,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    // Nest wraps Fastify's own errors (bad JSON, 413, 415) and keeps them as the cause.
    const cause = err.cause as FastifyLikeError | undefined;
    const code = MALFORMED_JSON.has(cause?.code ?? '')
      ? 'malformed_json'
      : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request'));
    return { status, body: errorBody(code, SAFE_MESSAGES[code]) };
  }
  // The database is down or restarting: say so (503, retry), never a 201 or a 500.
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      body: errorBody(
        'unavailable',
        'The database is unavailable; nothing was stored. Retry shortly.',
      ),
      retryAfterSeconds: 5,
    };
  }
  // Errors of Fastify plugins thrown inside handlers (multipart limits, bad multipart bodies).
  const plugin = err as { statusCode?: unknown; code?: unknown };
  if (
    typeof plugin?.statusCode === 'number' &&
    plugin.statusCode >= 400 &&
    plugin.statusCode < 500 &&
    typeof plugin.code === 'string' &&
    plugin.code.startsWith('FST_')
  ) {
    const status = plugin.statusCode === 406 ? 400 : plugin.statusCode;
    const code = CODE_BY_STATUS[status] ?? 'bad_request';
    return { status, body: errorBody(code, SAFE_MESSAGES[code]) };
  }
  // Unexpected: log the class and stack frames only (a message could quote data).
  const name = err instanceof Error ? err.name : typeof err;
  logger.error(`unhandled ${name}`, err instanceof Error ? stackWithoutMessage(err) : undefined);
  return { status: 500, body: errorBody('internal', SAFE_MESSAGES.internal) };
}

function stackWithoutMessage(err: Error): string | undefined {
  return err.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

const RELEASED_RUNNER_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const driverCode = typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
  if ((code && UNAVAILABLE_CODES.has(code)) || (driverCode && UNAVAILABLE_CODES.has(driverCode)))
    return true;
  // TypeORM releases a transaction's runner when its connection dies; a query
  // still on its way then fails with one of these (before any COMMIT).
  if (RELEASED_RUNNER_ERRORS.has((err as Error)?.name)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    message,
  );
}
