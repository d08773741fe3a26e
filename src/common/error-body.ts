import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorCode, ErrorDetail } from './app-error.js';

/**
 * Every error code, for the OpenAPI document. A `Record` so that the compiler
 * refuses a code added to `ErrorCode` but missing here (or one listed here only).
 */
const ERROR_CODE_SET: Record<ErrorCode, true> = {
  bad_request: true,
  validation_failed: true,
  malformed_json: true,
  unauthenticated: true,
  forbidden: true,
  password_change_required: true,
  version_conflict: true,
  invalid_transition: true,
  not_found: true,
  method_not_allowed: true,
  conflict: true,
  payload_too_large: true,
  unsupported_media_type: true,
  unprocessable: true,
  rate_limited: true,
  quota_exceeded: true,
  idempotency_key_required: true,
  idempotency_key_reused: true,
  idempotency_in_flight: true,
  source_ref_conflict: true,
  signature_invalid: true,
  export_refused: true,
  proof_of_work_required: true,
  proof_of_work_invalid: true,
  proof_of_work_replayed: true,
  intake_unavailable: true,
  unavailable: true,
  internal: true,
};
export const ERROR_CODES = Object.keys(ERROR_CODE_SET) as ErrorCode[];

/** One problem of a refused request: a field (when there is one) and what is wrong with it. */
export class ErrorBodyDetail implements ErrorDetail {
  @ApiPropertyOptional({
    description:
      'The field concerned, as a dotted path into the request (`indicators.0.value`). ' +
      'Absent when the problem is not about one field.',
    example: 'narrative',
  })
  field?: string;

  @ApiProperty({
    description: 'What is wrong; never quotes the value sent.',
    example: 'must not be blank',
  })
  problem: string;
}

export class ErrorBodyError {
  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    description:
      'Machine-readable code. Branch on this, not on `message`. Treat a code you do not know ' +
      'like the generic meaning of the HTTP status.',
    example: 'validation_failed',
  })
  code: ErrorCode;

  @ApiProperty({
    description: 'Human-readable explanation, safe to show; never echoes submitted content.',
    example: 'The request body is invalid.',
  })
  message: string;

  @ApiPropertyOptional({
    type: () => [ErrorBodyDetail],
    minItems: 1,
    description: 'Present on some 400, 409 and 503 responses, never empty.',
  })
  details?: ErrorBodyDetail[];
}

/** The one shape of every error response: `{ "error": { code, message, details? } }`. */
export class ErrorBody {
  @ApiProperty({ type: () => ErrorBodyError })
  error: ErrorBodyError;
}

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}
