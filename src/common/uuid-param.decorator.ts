import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error.js';

/**
 * A UUID path parameter; anything else answers `404` (`not_found`) with this
 * message, as an id that names nothing does.
 */
export const UuidParam = (name: string, notFound: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new AppError('not_found', 404, notFound) }),
  );
