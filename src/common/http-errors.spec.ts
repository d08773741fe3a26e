import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { AppError, IntakeUnavailableError } from './app-error.js';
import { ERROR_CODES } from './error-body.js';
import { mapError } from './http-errors.js';

describe('mapError', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  it('keeps an AppError as it is: code, status, message, details, Retry-After', () => {
    const details = [{ field: 'narrative', problem: 'must not be blank' }];
    expect(mapError(new AppError('validation_failed', 400, 'Fix it.', details))).toEqual({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'Fix it.', details } },
      retryAfterSeconds: undefined,
    });
    expect(mapError(new AppError('rate_limited', 429, 'Slow down.', undefined, 7))).toEqual({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'Slow down.' } },
      retryAfterSeconds: 7,
    });
  });

  it('leaves out empty details', () => {
    expect(mapError(new AppError('conflict', 409, 'No.', [])).body).toEqual({
      error: { code: 'conflict', message: 'No.' },
    });
  });

  it('answers 503 with Retry-After when no intake key is loaded', () => {
    const m = mapError(new IntakeUnavailableError());
    expect(m.status).toBe(503);
    expect(m.body.error.code).toBe('intake_unavailable');
    expect(m.retryAfterSeconds).toBe(30);
  });

  it("replaces a framework exception's message, which may quote the request, by a fixed text", () => {
    const quoted = 'Cannot GET /v1/tips/CANARY-secret-path';
    expect(mapError(new NotFoundException(quoted))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'Not found.' } },
    });
    expect(mapError(new ForbiddenException(quoted)).body.error).toEqual({
      code: 'forbidden',
      message: 'You are not allowed to do this.',
    });
    expect(mapError(new PayloadTooLargeException()).body.error.code).toBe('payload_too_large');
    expect(JSON.stringify(mapError(new BadRequestException(quoted)))).not.toContain('CANARY');
  });

  it('names bad JSON malformed_json, from the Fastify error Nest keeps as the cause', () => {
    for (const code of ['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']) {
      const err = new BadRequestException('Unexpected token } in JSON', { cause: { code } });
      expect(mapError(err)).toEqual({
        status: 400,
        body: { error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } },
      });
    }
    const other = new BadRequestException('x', { cause: { code: 'FST_ERR_OTHER' } });
    expect(mapError(other).body.error.code).toBe('bad_request');
  });

  it('gives a status without its own code the generic code of its class', () => {
    expect(mapError(new HttpException('teapot', 418)).body.error.code).toBe('bad_request');
    expect(mapError(new HttpException('bad gateway', 502))).toEqual({
      status: 502,
      body: { error: { code: 'internal', message: 'Internal error.' } },
    });
  });

  it('answers 503, retry in 5 s, when the database is unreachable or restarting', () => {
    const cases: unknown[] = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      Object.assign(new Error('query failed'), { driverError: { code: '08006' } }),
      new QueryRunnerAlreadyReleasedError(),
      // A transaction's query after its connection died (PostgreSQL restarting under load).
      new QueryRunnerProviderAlreadyReleasedError(),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const err of cases) {
      expect(mapError(err)).toEqual({
        status: 503,
        body: {
          error: {
            code: 'unavailable',
            message: 'The database is unavailable; nothing was stored. Retry shortly.',
          },
        },
        retryAfterSeconds: 5,
      });
    }
  });

  it("keeps a Fastify plugin's 4xx status (406 becomes 400), not anyone else's", () => {
    const plugin = (statusCode: number, code: string) =>
      Object.assign(new Error('plugin said something about the body'), { statusCode, code });
    expect(mapError(plugin(413, 'FST_REQ_FILE_TOO_LARGE'))).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
    });
    expect(mapError(plugin(406, 'FST_INVALID_MULTIPART_CONTENT_TYPE')).status).toBe(400);
    expect(mapError(plugin(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE')).body.error.code).toBe(
      'unsupported_media_type',
    );
    expect(mapError(plugin(400, 'NOT_FASTIFY')).status).toBe(500);
    expect(mapError(plugin(500, 'FST_SOMETHING')).status).toBe(500);
  });

  it('answers anything else 500 internal without its message', () => {
    for (const err of [new TypeError('CANARY-value is not a function'), 'a string', null]) {
      expect(mapError(err)).toEqual({
        status: 500,
        body: { error: { code: 'internal', message: 'Internal error.' } },
      });
    }
  });

  it('lists every error code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toContain('internal');
  });
});
