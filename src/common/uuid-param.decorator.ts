import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError } from './app-error.js';
import { EX } from './openapi/examples.js';
import type { ErrorResponseSpec } from './openapi/error-responses.js';

/**
 * A UUID path parameter, declared once per resource: `@UuidParam(path)` reads
 * it and a route decorator (`@StaffRoute({ params: [path] })`) documents it
 * with its error answers.
 */
export interface UuidPath {
  name: string;
  description: string;
  /** The `404` message for an id that names nothing; a malformed one gets it too. */
  notFound: string;
  example?: string;
  /**
   * A malformed id answers `400 bad_request` (documented with this text)
   * instead of `404`; only the admin user routes, which always did.
   */
  badRequest?: string;
}

/** Reads a UUID path parameter; anything else answers as `path` says (`404`, or `400`). */
export const UuidParam = (path: UuidPath): ParameterDecorator =>
  Param(
    path.name,
    path.badRequest !== undefined
      ? new ParseUUIDPipe()
      : new ParseUUIDPipe({
          exceptionFactory: () => new AppError('not_found', 404, path.notFound),
        }),
  );

/** The OpenAPI parameter of a UUID path parameter. */
export const ApiUuidParam = (path: UuidPath): MethodDecorator =>
  ApiParam({
    name: path.name,
    format: 'uuid',
    description: path.description,
    example: path.example ?? EX.uuid,
  });

/** What a UUID path parameter can answer: `404` (`No such x (`not_found`).`), maybe `400`. */
export function uuidPathErrors(path: UuidPath): ErrorResponseSpec[] {
  return [
    ...(path.badRequest !== undefined
      ? [{ status: 400 as const, description: path.badRequest }]
      : []),
    {
      status: 404,
      description: `${path.notFound.replace(/\.$/, '')} (\`not_found\`).`,
      example: { code: 'not_found', message: path.notFound },
    },
  ];
}
