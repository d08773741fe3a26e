import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'class-transformer';
import { getMetadataStorage, IsString, Length } from 'class-validator';
import { SubmitPartnerTipDto } from './partners/partner-tip.dto.js';
import { SubmitPublicTipDto } from './tips/intake/submit-tip.dto.js';
import { TIP_CATEGORIES } from './tips/tip.entity.js';
import { compiledBodyCheck, schemaOf, type DtoClass } from './common/compiled-body-check.js';
import { createValidationPipe } from './common/validation.pipe.js';

const fast = createValidationPipe();
const slow = createValidationPipe({ compiledSchemas: false });

/** Every DTO class of the service: each *.dto.ts under src/ is loaded. */
async function allDtoClasses(): Promise<DtoClass[]> {
  const root = import.meta.dirname;
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.dto.ts'),
  );
  for (const f of files) await import(join(root, f));
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<DtoClass | string, unknown[]>;
  };
  return [...storage.validationMetadatas.keys()].filter(
    (k): k is DtoClass => typeof k === 'function',
  );
}

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pieces that make the two length counts differ: validator.js counts a
 * surrogate pair as 1 and a variation selector after a character as 0; ajv
 * counts code points (a selector is 1, a lone surrogate 1).
 */
const PIECES = [
  'a',
  ' ',
  '\t',
  '\n',
  '\u{1F600}',
  'a\uFE0F',
  '\uFE0F',
  '\uFE0E',
  '\uD800',
  '\uDC00',
  'é',
  '\u0000',
];

function text(rand: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

type Schema = { properties?: Record<string, Record<string, unknown>> };

/** A value for a property: mostly near its schema's edges, sometimes anything. */
function valueFor(rand: () => number, property: Record<string, unknown> | undefined): unknown {
  const r = rand();
  const max = typeof property?.maxLength === 'number' ? property.maxLength : 50;
  const enums = Array.isArray(property?.enum) ? (property.enum as unknown[]) : [];
  if (r < 0.3 && enums.length > 0) return enums[Math.floor(rand() * enums.length)];
  if (r < 0.55) {
    // Around the maximum, in pieces that count differently.
    const n = Math.max(0, max - 2 + Math.floor(rand() * 5));
    return rand() < 0.5 ? text(rand, n) : 'a'.repeat(Math.max(0, n - 1)) + text(rand, 1);
  }
  if (r < 0.75) return text(rand, Math.floor(rand() * 4));
  const others = [null, true, false, 0, 1.5, '', ' ', [], ['a'], {}, { a: 1 }, 'cyber', 'days'];
  return others[Math.floor(rand() * others.length)];
}

function randomBody(rand: () => number, schema: Schema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (rand() < 0.85) body[name] = valueFor(rand, property);
  }
  if (rand() < 0.05) body.unexpected = 'x';
  return body;
}

async function answer(
  pipe: typeof fast,
  value: unknown,
  metatype: DtoClass,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await pipe.transform(value, { type: 'body', metatype, data: '' }) };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('compiled body checks', () => {
  it('states the public tip exactly', () => {
    expect(schemaOf(SubmitPublicTipDto)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['category', 'submitterUrgency', 'narrative']),
      properties: expect.objectContaining({
        category: { enum: [...TIP_CATEGORIES] },
        narrative: { type: 'string', minLength: 1, maxLength: 100_000, pattern: '\\S' },
        location: { type: 'string', minLength: 1, maxLength: 2_000 },
        allowReplies: { type: 'boolean' },
      }),
    });
    expect((schemaOf(SubmitPublicTipDto) as { required: string[] }).required).toHaveLength(3);
  });

  it('gives no check for rules it cannot state (nested indicators, class-transformer rules)', () => {
    expect(compiledBodyCheck(SubmitPartnerTipDto)).toBeNull();
    class Trimmed {
      @Transform(({ value }: { value: unknown }) =>
        typeof value === 'string' ? value.trim() : value,
      )
      @IsString()
      @Length(1, 10)
      name!: string;
    }
    class Plain {
      @IsString()
      @Length(1, 10)
      name!: string;
    }
    class TrimmedChild extends Trimmed {}
    expect(compiledBodyCheck(Plain)).not.toBeNull();
    expect(compiledBodyCheck(Trimmed)).toBeNull();
    expect(compiledBodyCheck(TrimmedChild)).toBeNull();
  });

  it('accepts only what class-validator accepts, and gives the same DTO, for every DTO', async () => {
    const classes = await allDtoClasses();
    const checked = classes.filter((c) => compiledBodyCheck(c) !== null);
    // The public tip at least; a change that drops it from the fast path shows here.
    expect(checked).toContain(SubmitPublicTipDto);
    const rand = prng(20261204);
    let acceptedByBoth = 0;
    let refusedByBoth = 0;
    for (const metatype of checked) {
      const schema = schemaOf(metatype) as Schema;
      for (let i = 0; i < 600; i++) {
        const body = randomBody(rand, schema);
        const compiled = compiledBodyCheck(metatype)!(structuredClone(body));
        const viaFast = await answer(fast, structuredClone(body), metatype);
        const viaSlow = await answer(slow, structuredClone(body), metatype);
        if (compiled) {
          // What the schema accepts, class-validator accepts too: the same instance.
          expect({ metatype: metatype.name, body, ok: viaSlow.ok }).toEqual({
            metatype: metatype.name,
            body,
            ok: true,
          });
          expect(viaFast).toEqual(viaSlow);
          expect(Object.getPrototypeOf((viaFast as { value: object }).value)).toBe(
            metatype.prototype,
          );
          acceptedByBoth++;
        } else {
          // Refused by the schema: class-validator decides, and says the same either way.
          expect(viaFast).toEqual(viaSlow);
          if (!viaSlow.ok) refusedByBoth++;
        }
      }
    }
    // Both verdicts were exercised many times, or the comparison proves nothing.
    expect(acceptedByBoth).toBeGreaterThan(200);
    expect(refusedByBoth).toBeGreaterThan(200);
  });

  it('takes the edges of a length as class-validator does, or leaves them to it', async () => {
    const base = { category: 'cyber', submitterUrgency: 'days' };
    const cases = [
      'a'.repeat(100_000),
      'a'.repeat(100_001),
      '\u{1F600}'.repeat(100_000),
      'a\uFE0F'.repeat(100_000),
      '\uFE0F',
      '\uD800',
      ' \t\n',
      '',
    ];
    for (const narrative of cases) {
      const body = { ...base, narrative };
      const viaFast = await answer(fast, { ...body }, SubmitPublicTipDto);
      const viaSlow = await answer(slow, { ...body }, SubmitPublicTipDto);
      expect(viaFast).toEqual(viaSlow);
      if (compiledBodyCheck(SubmitPublicTipDto)!({ ...body })) expect(viaSlow.ok).toBe(true);
    }
  });
});
