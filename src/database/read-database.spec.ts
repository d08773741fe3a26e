import { QueryFailedError } from 'typeorm';
import { isUnavailable } from './read-database.js';

describe('isUnavailable (when reads leave the replica for the primary)', () => {
  const pgError = (code: string, message = 'x'): Error =>
    Object.assign(new Error(message), { code });

  it('treats connection failures, shutdowns and recovery conflicts as the replica being unavailable', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      '57P01',
      '57P03',
      '08006',
      '40001',
    ]) {
      expect({ code, unavailable: isUnavailable(pgError(code)) }).toEqual({
        code,
        unavailable: true,
      });
    }
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isUnavailable(new Error('Query read timeout'))).toBe(true);
  });

  it('looks inside TypeORM query errors', () => {
    const wrapped = new QueryFailedError(
      'SELECT 1',
      [],
      pgError('57P01', 'terminating connection'),
    );
    expect(isUnavailable(wrapped)).toBe(true);
  });

  it('lets a bad query or a refused write surface as it is', () => {
    expect(isUnavailable(new QueryFailedError('SELEC', [], pgError('42601', 'syntax error')))).toBe(
      false,
    );
    // A write sent to a read-only session: a bug to see, not a reason to retry on the primary.
    expect(
      isUnavailable(pgError('25006', 'cannot execute UPDATE in a read-only transaction')),
    ).toBe(false);
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
  });
});
