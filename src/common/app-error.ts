/** Machine-readable error codes: the `error.code` of every error response. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'unauthenticated'
  | 'forbidden'
  | 'password_change_required'
  | 'version_conflict'
  | 'invalid_transition'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'idempotency_key_required'
  | 'idempotency_key_reused'
  | 'idempotency_in_flight'
  | 'source_ref_conflict'
  | 'signature_invalid'
  | 'export_refused'
  | 'proof_of_work_required'
  | 'proof_of_work_invalid'
  | 'proof_of_work_replayed'
  | 'intake_unavailable'
  | 'unavailable'
  | 'internal';

export interface ErrorDetail {
  field?: string;
  problem: string;
}

/**
 * A domain error: code, HTTP status and a message that is safe to show.
 * Messages and details must never contain submitted content.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class IntakeUnavailableError extends AppError {
  constructor() {
    super(
      'intake_unavailable',
      503,
      'Tips cannot be accepted right now: no valid intake key is loaded. Nothing was stored.',
      undefined,
      30,
    );
  }
}
