import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type HeadersObject } from '@nestjs/swagger';
import type { ErrorCode } from '../app-error.js';
import { ErrorBody } from '../error-body.js';

/** The error statuses routes document; every one of them has the `ErrorBody` shape. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface ErrorResponseSpec {
  status: ErrorStatus;
  /** Replaces the generic description of this status (list the codes that can occur). */
  description?: string;
  /** Replaces the default headers (`Retry-After` on 429 and 503). */
  headers?: HeadersObject;
  /** Replaces the generic example. */
  example?: { code: ErrorCode; message: string; details?: { field?: string; problem: string }[] };
}

export const RETRY_AFTER_HEADER: HeadersObject = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1, example: 30 },
  },
};

/** Sent on every answer to a partner route (IETF draft "RateLimit header fields for HTTP"). */
export const PARTNER_RATE_LIMIT_HEADERS: HeadersObject = {
  'RateLimit-Policy': {
    description: 'The per-key request quota: `"per-key";q=<requests>;w=<window seconds>`.',
    schema: { type: 'string', example: '"per-key";q=120;w=60' },
  },
  RateLimit: {
    description: 'What is left of it: `"per-key";r=<remaining>;t=<seconds until reset>`.',
    schema: { type: 'string', example: '"per-key";r=119;t=60' },
  },
};

const GENERIC: Record<ErrorStatus, { description: string; example: ErrorResponseSpec['example'] }> =
  {
    400: {
      description:
        'Bad request: `validation_failed` (an unknown field, a wrong type or a bad value; ' +
        '`details` names each field and problem) or `malformed_json`.',
      example: {
        code: 'validation_failed',
        message: 'The request body is invalid.',
        details: [{ field: 'narrative', problem: 'must not be blank' }],
      },
    },
    401: {
      description:
        'Unauthenticated (`unauthenticated`): credentials are missing, invalid or expired.',
      example: { code: 'unauthenticated', message: 'Authentication is required.' },
    },
    403: {
      description: 'Forbidden (`forbidden`): the credentials do not allow this route.',
      example: { code: 'forbidden', message: 'You are not allowed to do this.' },
    },
    404: {
      description: 'Not found (`not_found`).',
      example: { code: 'not_found', message: 'Not found.' },
    },
    409: {
      description: 'Conflict (`conflict`) with the current state.',
      example: { code: 'conflict', message: 'Conflict.' },
    },
    413: {
      description: 'Payload too large (`payload_too_large`): the JSON body is over 1 MiB.',
      example: { code: 'payload_too_large', message: 'The request body is too large.' },
    },
    415: {
      description: 'Unsupported media type (`unsupported_media_type`): send `application/json`.',
      example: {
        code: 'unsupported_media_type',
        message: 'Unsupported content type; send application/json.',
      },
    },
    422: {
      description: 'Unprocessable (`unprocessable`): well-formed, but cannot be done.',
      example: { code: 'unprocessable', message: 'The request cannot be processed.' },
    },
    429: {
      description: 'Too many requests (`rate_limited`): wait `Retry-After` seconds.',
      example: { code: 'rate_limited', message: 'Too many requests.' },
    },
    503: {
      description: 'Unavailable: wait `Retry-After` seconds. Nothing was stored.',
      example: { code: 'unavailable', message: 'The service is unavailable.' },
    },
  };

/** 503 of the routes that encrypt to the intake keys (tips, messages, notes, replies). */
export const INTAKE_UNAVAILABLE: ErrorResponseSpec = {
  status: 503,
  description: 'No valid intake key is loaded (`intake_unavailable`). Nothing was stored.',
  example: {
    code: 'intake_unavailable',
    message:
      'Tips cannot be accepted right now: no valid intake key is loaded. Nothing was stored.',
  },
};

/** 400, 413 and 415: what any route with a JSON body can answer before it runs. */
export const JSON_BODY_ERRORS = [400, 413, 415] as const satisfies readonly ErrorStatus[];

/**
 * Documents error responses with the one shared `ErrorBody` schema. Pass a
 * status for its generic description, or a spec to say which codes this route
 * can answer. `Retry-After` is documented on 429 and 503.
 *
 * The access decorators (`@Roles`, `@AnyStaff`, `@PartnerScope`, `@Public`)
 * already document 401, 403 and 429 where they apply; a second entry for the
 * same status here adds its description to theirs.
 */
export function ApiErrorResponses(
  ...specs: (ErrorStatus | ErrorResponseSpec)[]
): MethodDecorator & ClassDecorator {
  const byStatus = new Map<ErrorStatus, ErrorResponseSpec>();
  for (const spec of specs) {
    const s = typeof spec === 'number' ? { status: spec } : spec;
    byStatus.set(s.status, { ...byStatus.get(s.status), ...s });
  }
  return applyDecorators(
    ...[...byStatus.values()]
      .sort((a, b) => a.status - b.status)
      .map((s) =>
        ApiResponse({
          status: s.status,
          description: s.description ?? GENERIC[s.status].description,
          type: ErrorBody,
          headers:
            s.headers ?? (s.status === 429 || s.status === 503 ? RETRY_AFTER_HEADER : undefined),
          example: { error: s.example ?? GENERIC[s.status].example },
        }),
      ),
  );
}
