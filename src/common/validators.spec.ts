import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AppError } from './app-error.js';
import { EX } from './openapi/examples.js';
import { createValidationPipe } from './validation.pipe.js';
import {
  ArmoredPublicKey,
  CommaSeparatedEnum,
  CommaSeparatedMatching,
  LIST_NOTE,
  NonBlankText,
  NoNul,
  PageLimit,
  SplitCommas,
} from './validators.js';

const pipe = createValidationPipe();

/** What the API answers: the transformed value, or the problems it lists. */
async function check(
  metatype: new () => object,
  input: Record<string, unknown>,
  type: 'body' | 'query' = 'body',
): Promise<{ value: unknown } | { problems: unknown }> {
  try {
    return { value: await pipe.transform(input, { type, metatype }) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { problems: err.details };
  }
}

/** The OpenAPI metadata @nestjs/swagger keeps for a property. */
const schemaOf = (metatype: new () => object, property: string): unknown =>
  Reflect.getMetadata('swagger/apiModelProperties', metatype.prototype as object, property);

const LETTERS = ['a', 'b', 'c'] as const;
const TAG = /^[a-z]+$/;

class Filters {
  @CommaSeparatedEnum(LETTERS, {
    enumName: 'Letter',
    maxItems: 2,
    description: 'Any of these letters.',
    example: ['a'],
  })
  letters?: string[];

  @CommaSeparatedMatching(TAG, { maxItems: 2, description: 'Every one of these.', example: ['x'] })
  tags?: string[];
}

/** The decorator stacks the composites replace, written out. */
class FiltersByHand {
  @ApiPropertyOptional({
    enum: LETTERS,
    enumName: 'Letter',
    isArray: true,
    maxItems: 2,
    description: `Any of these letters. ${LIST_NOTE}`,
    example: ['a'],
  })
  @IsOptional()
  @SplitCommas()
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(LETTERS, { each: true })
  letters?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 2,
    pattern: TAG,
    description: `Every one of these. ${LIST_NOTE}`,
    example: ['x'],
  })
  @IsOptional()
  @SplitCommas()
  @IsArray()
  @ArrayMaxSize(2)
  @Matches(TAG, { each: true })
  tags?: string[];
}

class Note {
  @NonBlankText(5, { description: 'A note.', example: 'hi' })
  body: string;
}

class NoteByHand {
  @ApiProperty({
    minLength: 1,
    maxLength: 5,
    pattern: /\S/u,
    description: 'A note.',
    example: 'hi',
  })
  @IsString()
  @Length(1, 5)
  @Matches(/\S/u, { message: 'body must not be blank' })
  body: string;
}

class Key {
  @ArmoredPublicKey('A key.')
  armored: string;
}

class KeyByHand {
  @ApiProperty({ minLength: 1, maxLength: 100_000, description: 'A key.', example: EX.publicKey })
  @IsString()
  @Length(1, 100_000)
  @NoNul()
  armored: string;
}

class Page {
  @PageLimit(20, 5, 'Rows per page.')
  limit?: number;
}

class PageByHand {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 20,
    default: 5,
    description: 'Rows per page.',
    example: 5,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
}

describe('CommaSeparatedEnum', () => {
  it('accepts values separated by commas or repeated, trimmed, and none', async () => {
    expect(await check(Filters, { letters: 'a, b' }, 'query')).toEqual({
      value: { letters: ['a', 'b'] },
    });
    expect(await check(Filters, { letters: ['c', 'a,'] }, 'query')).toEqual({
      value: { letters: ['c', 'a'] },
    });
    expect(await check(Filters, {}, 'query')).toEqual({ value: {} });
  });

  it('refuses a value not in the enum, and too many', async () => {
    expect(await check(Filters, { letters: 'a,z' }, 'query')).toEqual({
      problems: [
        {
          field: 'letters',
          problem: 'each value in letters must be one of the following values: a, b, c',
        },
      ],
    });
    expect(await check(Filters, { letters: 'a,b,c' }, 'query')).toEqual({
      problems: [{ field: 'letters', problem: 'must contain no more than 2 elements' }],
    });
  });
});

describe('CommaSeparatedMatching', () => {
  it('accepts matching values', async () => {
    expect(await check(Filters, { tags: 'x,yz' }, 'query')).toEqual({
      value: { tags: ['x', 'yz'] },
    });
  });

  it('refuses a value that does not match', async () => {
    expect(await check(Filters, { tags: 'x,Y' }, 'query')).toEqual({
      problems: [
        { field: 'tags', problem: 'each value in tags must match /^[a-z]+$/ regular expression' },
      ],
    });
  });
});

describe('NonBlankText', () => {
  it('accepts text up to the maximum length', async () => {
    expect(await check(Note, { body: ' hi ' })).toEqual({ value: { body: ' hi ' } });
    expect(await check(Note, { body: 'x'.repeat(5) })).toEqual({ value: { body: 'xxxxx' } });
  });

  it('refuses blank, empty, too long and non-string text', async () => {
    const tooShort = 'must be longer than or equal to 1 characters';
    expect(await check(Note, { body: ' \t\n' })).toEqual({
      problems: [{ field: 'body', problem: 'must not be blank' }],
    });
    expect(await check(Note, { body: '' })).toEqual({
      problems: [
        { field: 'body', problem: 'must not be blank' },
        { field: 'body', problem: tooShort },
      ],
    });
    expect(await check(Note, { body: 'x'.repeat(6) })).toEqual({
      problems: [{ field: 'body', problem: 'must be shorter than or equal to 5 characters' }],
    });
    expect(await check(Note, { body: 42 })).toEqual({
      problems: [
        { field: 'body', problem: 'must not be blank' },
        {
          field: 'body',
          problem: 'must be longer than or equal to 1 and shorter than or equal to 5 characters',
        },
        { field: 'body', problem: 'must be a string' },
      ],
    });
  });
});

describe('ArmoredPublicKey', () => {
  it('accepts an armored key', async () => {
    expect(await check(Key, { armored: EX.publicKey })).toEqual({
      value: { armored: EX.publicKey },
    });
  });

  it('refuses an empty, oversized, NUL-holding or non-string key', async () => {
    expect(await check(Key, { armored: '' })).toEqual({
      problems: [{ field: 'armored', problem: 'must be longer than or equal to 1 characters' }],
    });
    expect(await check(Key, { armored: 'x'.repeat(100_001) })).toEqual({
      problems: [
        { field: 'armored', problem: 'must be shorter than or equal to 100000 characters' },
      ],
    });
    expect(await check(Key, { armored: `${EX.publicKey}\u0000` })).toEqual({
      problems: [{ field: 'armored', problem: 'must not contain NUL characters' }],
    });
    expect(await check(Key, { armored: 42 })).toEqual({
      problems: [
        {
          field: 'armored',
          problem:
            'must be longer than or equal to 1 and shorter than or equal to 100000 characters',
        },
        { field: 'armored', problem: 'must be a string' },
      ],
    });
  });
});

describe('PageLimit', () => {
  it('accepts a number from the query string, and none', async () => {
    expect(await check(Page, { limit: '20' }, 'query')).toEqual({ value: { limit: 20 } });
    expect(await check(Page, {}, 'query')).toEqual({ value: {} });
  });

  it('refuses zero, too many and what is not an integer', async () => {
    expect(await check(Page, { limit: '0' }, 'query')).toEqual({
      problems: [{ field: 'limit', problem: 'must not be less than 1' }],
    });
    expect(await check(Page, { limit: '21' }, 'query')).toEqual({
      problems: [{ field: 'limit', problem: 'must not be greater than 20' }],
    });
    expect(await check(Page, { limit: '2.5' }, 'query')).toEqual({
      problems: [{ field: 'limit', problem: 'must be an integer number' }],
    });
  });
});

describe('the composites and the stacks they replace', () => {
  const cases: Array<[string, new () => object, new () => object, string, 'body' | 'query']> = [
    ['CommaSeparatedEnum', Filters, FiltersByHand, 'letters', 'query'],
    ['CommaSeparatedMatching', Filters, FiltersByHand, 'tags', 'query'],
    ['NonBlankText', Note, NoteByHand, 'body', 'body'],
    ['ArmoredPublicKey', Key, KeyByHand, 'armored', 'body'],
    ['PageLimit', Page, PageByHand, 'limit', 'query'],
  ];
  const inputs: unknown[] = [
    undefined,
    null,
    42,
    true,
    '',
    '  ',
    'a',
    'a,z',
    'a,b,c',
    ['a', 7],
    { a: 1 },
    'x'.repeat(100_001),
    'ok\u0000',
    '0',
    '-3',
    '7',
    '1e3',
  ];

  it.each(cases)('%s keeps the OpenAPI metadata', (_, composite, byHand, p) => {
    expect(schemaOf(composite, p)).toBeDefined();
    expect(schemaOf(composite, p)).toEqual(schemaOf(byHand, p));
  });

  it.each(cases)(
    '%s answers every input as the stack does',
    async (_, composite, byHand, p, type) => {
      for (const v of inputs) {
        const input = v === undefined ? {} : { [p]: v };
        expect(await check(composite, input, type)).toEqual(await check(byHand, input, type));
      }
    },
  );
});
