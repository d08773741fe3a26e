import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Text stored in clear in PostgreSQL, which cannot hold NUL: refused at
 * validation (400) instead of failing in the database (500). Encrypted
 * content may hold any character and does not use this.
 */
export const NoNul = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'noNul',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: buildMessage(
          (each) => `${each}$property must not contain NUL characters`,
          options,
        ),
      },
    },
    options,
  );
