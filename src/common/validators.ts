import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  buildMessage,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { EX } from './openapi/examples.js';

/**
 * Applies decorators as the stack `@a @b @c` written in this order does, the
 * last first: class-validator reports a property's failed rules in the order
 * they were applied, so a composite keeps the messages of the stack it replaces.
 */
const stack = (...decorators: PropertyDecorator[]): PropertyDecorator =>
  applyDecorators(...decorators.reverse());

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

/** What the description of a list filter ends with. */
export const LIST_NOTE = 'Repeat the parameter or separate values with commas.';

/** `?status=new,triaging` and `?status=new&status=triaging` both become a list. */
export const SplitCommas = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }): unknown[] =>
    (Array.isArray(value) ? (value as unknown[]) : [value])
      .flatMap((v: unknown): unknown[] => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v: unknown): unknown => (typeof v === 'string' ? v.trim() : v))
      .filter((v: unknown) => v !== ''),
  );

interface ListFilter {
  maxItems: number;
  /** Said before LIST_NOTE. */
  description: string;
  example: string[];
}

const listFilter = (schema: ApiPropertyOptions, maxItems: number, each: PropertyDecorator) =>
  stack(
    ApiPropertyOptional(schema),
    IsOptional(),
    SplitCommas(),
    IsArray(),
    ArrayMaxSize(maxItems),
    each,
  );

/** An optional query filter: any of `values`, repeated or comma separated (`?status=new,triaging`). */
export const CommaSeparatedEnum = (
  values: readonly string[],
  { enumName, maxItems, description, example }: ListFilter & { enumName?: string },
): PropertyDecorator =>
  listFilter(
    {
      enum: values,
      ...(enumName === undefined ? {} : { enumName }),
      isArray: true,
      maxItems,
      description: `${description} ${LIST_NOTE}`,
      example,
    },
    maxItems,
    IsIn(values, { each: true }),
  );

/** An optional query filter: strings matching `pattern`, repeated or comma separated. */
export const CommaSeparatedMatching = (
  pattern: RegExp,
  { maxItems, description, example }: ListFilter,
): PropertyDecorator =>
  listFilter(
    { type: [String], maxItems, pattern, description: `${description} ${LIST_NOTE}`, example },
    maxItems,
    Matches(pattern, { each: true }),
  );

/** The optional `limit` of a page: 1 to `maximum`, from a query string; `byDefault` when absent. */
export const PageLimit = (
  maximum: number,
  byDefault: number,
  description: string,
): PropertyDecorator =>
  stack(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum,
      default: byDefault,
      description,
      example: byDefault,
    }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(maximum),
  );

const NOT_BLANK = /\S/u;

/** Required text of 1 to `maxLength` characters, not only white space. */
export const NonBlankText = (
  maxLength: number,
  api: { description: string; example: string },
): PropertyDecorator =>
  stack(
    ApiProperty({ minLength: 1, maxLength, pattern: NOT_BLANK, ...api }),
    IsString(),
    Length(1, maxLength),
    Matches(NOT_BLANK, { message: '$property must not be blank' }),
  );

/**
 * An armored OpenPGP public key, checked here for its length and NUL only: what
 * the key holds (a usable subkey, not expired, not private) is the service's to check.
 */
export const ArmoredPublicKey = (description: string): PropertyDecorator =>
  stack(
    ApiProperty({ minLength: 1, maxLength: 100_000, description, example: EX.publicKey }),
    IsString(),
    Length(1, 100_000),
    NoNul(),
  );
