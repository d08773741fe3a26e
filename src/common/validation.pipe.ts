import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { AppError, type ErrorDetail } from './app-error.js';

/** Property names are echoed only when they look like identifiers: keys are input too. */
const SAFE_NAME = /^([A-Za-z][A-Za-z0-9_]{0,63}|\d{1,5})$/;

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const name = SAFE_NAME.test(e.property) ? e.property : '(unnamed)';
    const field = prefix === '' ? name : `${prefix}.${name}`;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) =>
      rule === 'whitelistValidation'
        ? { field, problem: 'is not an allowed field' }
        : {
            field,
            problem: message.startsWith(e.property)
              ? message.slice(e.property.length).trim()
              : message,
          },
    );
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** A DTO-typed body must be a JSON object: an array, string or null is refused as such. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      typeof metadata.metatype === 'function' &&
      metadata.metatype !== Object &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new AppError('validation_failed', 400, 'The request body must be a JSON object.');
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict input: unknown fields are rejected, types are checked, and messages
 * name fields and rules, never values.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError('validation_failed', 400, 'The request body is invalid.', flatten(errors)),
  });
}
