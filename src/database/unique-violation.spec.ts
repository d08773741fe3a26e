import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation.js';

function queryFailed(driverError: object): QueryFailedError {
  return new QueryFailedError('INSERT', [], Object.assign(new Error('refused'), driverError));
}

describe('isUniqueViolation', () => {
  it('recognises 23505 from TypeORM and from pg', () => {
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'a_key' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: '23505' }))).toBe(true);
  });

  it('matches the constraint when one is named', () => {
    const err = queryFailed({ code: '23505', constraint: 'tip_reference_key' });
    expect(isUniqueViolation(err, 'tip_reference_key')).toBe(true);
    expect(isUniqueViolation(err, 'other_key')).toBe(false);
  });

  it('refuses other errors and non-errors', () => {
    expect(isUniqueViolation(queryFailed({ code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
  });
});
