import { describeDatabaseHost, startupSummary } from './startup-summary.js';

describe('start-up summary', () => {
  it('names a database by host, port and name, never by its credentials', () => {
    expect(
      describeDatabaseHost('postgres://app:CANARY-pw@db.internal:6432/tipline?sslmode=require'),
    ).toBe('db.internal:6432/tipline');
    expect(describeDatabaseHost('postgresql://db/tipline')).toBe('db:5432/tipline');
  });

  it('says where it listens last, after the database, keys and proof of work', () => {
    const lines = startupSummary({
      config: { nodeEnv: 'development', databaseUrl: undefined, powDifficulty: 0 },
      url: 'http://127.0.0.1:3000',
      readyMs: 1234,
      database: {
        url: 'postgres://postgres:CANARY-pw@127.0.0.1:5555/tipline',
        startedHere: true,
        dataDirectory: '/srv/.data/pg',
      },
      keys: [{ fingerprint: 'ABCD', version: 4 }],
      devPrivateKeyPath: '/srv/.data/dev-keys/intake-private.asc',
      publicSite: true,
    }).map((l) => l.msg);
    expect(lines).toEqual([
      'database: embedded PostgreSQL 17 on 127.0.0.1:5555, data in /srv/.data/pg',
      'intake keys: ABCD (v4, development key)',
      'development private key: /srv/.data/dev-keys/intake-private.asc (npx tipctl decrypt --key <that file> <payload>)',
      'proof of work: off; public site: on',
      'Tipline listening on http://127.0.0.1:3000 (development, ready in 1.2 s)',
    ]);
    expect(lines.join('\n')).not.toContain('CANARY');
  });
});
