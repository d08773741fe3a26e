import { Ajv, type ValidateFunction } from 'ajv';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';

/**
 * A compiled JSON schema (ajv) in front of class-validator, for the request
 * bodies whose rules it can state exactly: it only ever says "valid" of a body
 * class-validator would accept, so such a body skips class-validator's walk
 * (and its answer is the one the pipe would give, see StrictValidationPipe).
 * Every other body, and every body it refuses, goes through class-validator,
 * whose answer (the error details) stays the one clients get.
 *
 * The schema is derived from the class-validator metadata of the DTO, not
 * written beside it, so the two cannot drift. A DTO with any rule outside the
 * small set below (nested objects, arrays, custom validators, groups) gets no
 * compiled check. Measured: class-validator and class-transformer were 6 % of
 * the main thread under intake load (bench profile), and V8 kept re-optimising
 * class-validator's executor there.
 *
 * Each rule maps to a JSON schema keyword that accepts no more than it does:
 * - `IsString`, `IsBoolean`: `type` (class-validator also accepts boxed
 *   values, which JSON cannot carry);
 * - `IsIn` of strings, numbers or booleans: `enum` (both compare with ===);
 * - `Length(min, max)` with min 0 or 1: `maxLength` and `minLength`. ajv counts
 *   code points; validator.js also counts a variation selector after a
 *   character as nothing, so its length is never above ajv's, and is at least
 *   1 for any non-empty string (no match of its two patterns can start at
 *   the first character). A larger min could be met by ajv and not by it.
 * - `Matches` with a regular expression whose only flag is `u`: `pattern`
 *   (ajv builds it with the `u` flag);
 * - `IsOptional`: the property is not required (class-validator also takes a
 *   `null`, which the schema refuses: class-validator then decides);
 * - a property with no rule is not allowed (`whitelist` and
 *   `forbidNonWhitelisted`): `additionalProperties: false`.
 * A class with class-transformer rules (`@Type`, `@Transform`, `@Expose`,
 * `@Exclude`) gets none either: class-validator would check what they make,
 * the schema the body as it came.
 */

type Schema = Record<string, unknown>;

/** A DTO class, as a pipe's `metatype` carries it. */
export type DtoClass = new (...args: never[]) => unknown;

const ajv = new Ajv({
  allErrors: false,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  strict: true,
});

const compiled = new Map<DtoClass, ValidateFunction | null>();

/** The compiled check of a DTO class, or null when its rules are not all expressible. */
export function compiledBodyCheck(metatype: DtoClass): ValidateFunction | null {
  let check = compiled.get(metatype);
  if (check === undefined) {
    const schema = schemaOf(metatype);
    check = schema === null ? null : ajv.compile(schema);
    compiled.set(metatype, check);
  }
  return check;
}

/** The JSON schema for a DTO's class-validator rules, or null (see above). */
export function schemaOf(metatype: DtoClass): Schema | null {
  if (hasTransformerRules(metatype)) return null;
  // As class-validator's executor asks for them with our options (no groups, no `always`).
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    metatype,
    '',
    undefined as unknown as boolean,
    undefined as unknown as boolean,
    undefined,
  );
  if (metadatas.length === 0) return null;
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metadatas) {
    if (m.each || m.always || (m.groups?.length ?? 0) > 0 || m.validationTypeOptions) return null;
    byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  }
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, rules] of byProperty) {
    const property = propertySchema(rules);
    if (property === null) return null;
    properties[name] = property.schema;
    if (!property.optional) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Whether class-transformer holds any rule for the class or a class it extends. */
function hasTransformerRules(metatype: DtoClass): boolean {
  const storage = defaultMetadataStorage as Record<string, unknown>;
  const maps = [
    '_typeMetadatas',
    '_transformMetadatas',
    '_exposeMetadatas',
    '_excludeMetadatas',
  ].map((k) => storage[k]);
  // A layout this code does not know (another class-transformer): no compiled check.
  if (!maps.every((m): m is Map<unknown, unknown> => m instanceof Map)) return true;
  for (let c: unknown = metatype; typeof c === 'function' && c !== Function.prototype;) {
    if (maps.some((m) => m.has(c))) return true;
    c = Object.getPrototypeOf(c);
  }
  return false;
}

function propertySchema(rules: ValidationMetadata[]): { schema: Schema; optional: boolean } | null {
  const schema: Schema = {};
  let optional = false;
  const setType = (type: string): boolean => {
    if (schema.type !== undefined && schema.type !== type) return false;
    schema.type = type;
    return true;
  };
  for (const rule of rules) {
    const c = rule.constraints ?? [];
    if (rule.type === 'conditionalValidation') {
      if (rule.name !== 'isOptional') return null;
      optional = true;
      continue;
    }
    if (rule.type !== 'customValidation') return null;
    switch (rule.name) {
      case 'isString':
        if (!setType('string')) return null;
        break;
      case 'isBoolean':
        if (!setType('boolean')) return null;
        break;
      case 'isIn': {
        const values: unknown = c[0];
        if (!Array.isArray(values) || values.length === 0) return null;
        if (!values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return null;
        schema.enum = [...(values as unknown[])];
        break;
      }
      case 'isLength': {
        const [min, max] = c as [unknown, unknown];
        if ((min !== 0 && min !== 1) || typeof max !== 'number' || !Number.isInteger(max)) {
          return null;
        }
        if (!setType('string')) return null;
        schema.minLength = min;
        schema.maxLength = max;
        break;
      }
      case 'matches': {
        const [pattern, modifiers] = c as [unknown, unknown];
        if (!(pattern instanceof RegExp) || pattern.flags !== 'u' || modifiers !== undefined) {
          return null;
        }
        if (schema.pattern !== undefined || !setType('string')) return null;
        schema.pattern = pattern.source;
        break;
      }
      default:
        return null;
    }
  }
  // A rule that says nothing of the type (isIn alone) keeps it as class-validator has it.
  return { schema, optional };
}
