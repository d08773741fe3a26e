import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { AppError, type ErrorDetail } from './app-error.js';
import { compiledBodyCheck, type DtoClass } from './compiled-body-check.js';

/** Deeper bodies are refused before class-transformer recurses into them. */
export const MAX_INPUT_DEPTH = 16;

/** What a details entry says of a property the schema does not have: never its name. */
export const UNKNOWN_FIELD = '(unknown)';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const unknown = Object.keys(e.constraints ?? {}).includes('whitelistValidation');
    // Names of properties the DTO declares come from our schema; anything else is input.
    const name = unknown ? UNKNOWN_FIELD : e.property;
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

/**
 * Refuses input that must never reach class-transformer or PostgreSQL: nesting
 * deeper than MAX_INPUT_DEPTH (recursion would overflow the stack), and NUL
 * characters in query and path values (PostgreSQL text cannot hold them; in
 * bodies, the fields stored in clear carry @NoNul, encrypted ones may hold NUL).
 * Iterative, so the check itself cannot overflow.
 */
function checkShape(value: unknown, where: ArgumentMetadata['type']): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      // Query and path values always reach PostgreSQL as text; body fields that do say so (@NoNul).
      if (where !== 'body' && v.includes('\u0000'))
        throw refused(where, 'must not contain NUL characters');
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_INPUT_DEPTH) throw refused(where, 'is nested too deeply');
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (where !== 'body' && k.includes('\u0000'))
          throw refused(where, 'must not contain NUL characters');
        stack.push([child, depth + 1]);
      }
    }
  }
}

function refused(where: ArgumentMetadata['type'], problem: string): AppError {
  const what = where === 'body' ? 'The request body' : where === 'query' ? 'The query' : 'The path';
  return new AppError('validation_failed', 400, `${what} is invalid.`, [{ problem }]);
}

const TRANSFORM_OPTIONS: ClassTransformOptions = { enableImplicitConversion: false };

/**
 * A DTO-typed body must be a JSON object: an array, string or null is refused
 * as such. A body the DTO's compiled schema accepts (compiled-body-check.ts)
 * is one class-validator would accept: it becomes the DTO instance as the
 * parent pipe would make it (plainToInstance, same options), without
 * class-validator's walk. Everything else takes the parent's way.
 */
class StrictValidationPipe extends ValidationPipe {
  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    private readonly compiled: boolean,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    checkShape(value, metadata.type);
    const metatype = metadata.metatype;
    if (metadata.type === 'body' && typeof metatype === 'function' && metatype !== Object) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new AppError('validation_failed', 400, 'The request body must be a JSON object.');
      }
      if (this.compiled && compiledBodyCheck(metatype as DtoClass)?.(value)) {
        return plainToInstance(metatype as new () => unknown, value, TRANSFORM_OPTIONS);
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict input: unknown fields are rejected, types are checked, and messages
 * name fields and rules, never values. `compiledSchemas: false` (tests only)
 * leaves every body to class-validator.
 */
export function createValidationPipe({ compiledSchemas = true } = {}): ValidationPipe {
  return new StrictValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: TRANSFORM_OPTIONS,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) =>
        new AppError('validation_failed', 400, 'The request body is invalid.', flatten(errors)),
    },
    compiledSchemas,
  );
}
