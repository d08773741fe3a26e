import { AppError } from '../../common/app-error.js';
import { decodeCursor, encodeCursor, type Cursor } from './list-tips.query.js';

const ID = '0192f3a4-5b6c-7d8e-9f00-112233445566';
const AT = '2026-01-02 03:04:05.123456+00';

function refusal(raw: string, sort: Cursor['s']): AppError {
  try {
    decodeCursor(raw, sort);
  } catch (err) {
    return err as AppError;
  }
  throw new Error(`cursor ${raw} was accepted for ${sort}`);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

describe('triage list cursors', () => {
  it('decodes what it encodes, for each sort order', () => {
    for (const c of [
      { s: 'received_desc', r: AT, i: ID },
      { s: 'received_asc', r: AT, i: ID },
      { s: 'priority', r: AT, i: ID, p: 3 },
    ] as Cursor[]) {
      const raw = encodeCursor(c);
      expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(raw, c.s)).toEqual(c);
    }
  });

  it('refuses a cursor of another sort order', () => {
    const raw = encodeCursor({ s: 'received_desc', r: AT, i: ID });
    expect(refusal(raw, 'received_asc').status).toBe(400);
    expect(refusal(raw, 'priority').code).toBe('validation_failed');
  });

  it('refuses what is not a cursor, with a 400 naming the cursor field', () => {
    const bad: Array<[string, Cursor['s']]> = [
      ['not base64 json at all!', 'received_desc'],
      ['', 'received_desc'],
      [b64(null), 'received_desc'],
      [b64([]), 'received_desc'],
      [b64({ s: 'received_desc', r: 'yesterday', i: ID }), 'received_desc'],
      [b64({ s: 'received_desc', r: AT, i: 'not-a-uuid' }), 'received_desc'],
      [b64({ s: 'received_desc', r: AT, i: `${ID}'; DROP TABLE tip; --` }), 'received_desc'],
      [b64({ s: 'received_desc', r: 5, i: ID }), 'received_desc'],
      [b64({ s: 'received_desc', r: AT }), 'received_desc'],
      [b64({ s: 'priority', r: AT, i: ID }), 'priority'],
      [b64({ s: 'priority', r: AT, i: ID, p: 0 }), 'priority'],
      [b64({ s: 'priority', r: AT, i: ID, p: 5 }), 'priority'],
      [b64({ s: 'priority', r: AT, i: ID, p: 2.5 }), 'priority'],
      [b64({ s: 'priority', r: AT, i: ID, p: '2' }), 'priority'],
    ];
    for (const [raw, sort] of bad) {
      const err = refusal(raw, sort);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({
        code: 'validation_failed',
        status: 400,
        message: 'The query is invalid.',
        details: [{ field: 'cursor', problem: 'is not a cursor from this listing and sort order' }],
      });
    }
  });
});
