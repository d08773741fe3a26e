import { ChainVerifier, chainHash, GENESIS_HASH, type ChainRow } from './audit-log.js';

/** A chain of `n` events, each linked to the one before it, as `append` writes them. */
function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = {
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      actorId: i % 2 ? 'a1b2c3d4-0000-4000-8000-000000000001' : null,
      actorUsername: i % 2 ? 'lead1' : null,
      actorRole: i % 2 ? 'lead' : null,
      action: i % 3 ? 'tip.updated' : 'auth.login_failed',
      targetType: 'tip',
      targetId: `tip-${i}`,
      ip: i % 2 ? '192.0.2.7' : null,
      details: { n: i, fields: ['status'] },
    };
    const hash = chainHash(prev, fields);
    rows.push({ ...fields, id: String(i), prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

function verify(rows: readonly ChainRow[]) {
  const v = new ChainVerifier();
  for (const row of rows) if (!v.push(row)) break;
  return v.result();
}

describe('audit chain verifier', () => {
  it('verifies an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(verify(rows)).toEqual({
      ok: true,
      checked: 5,
      headHash: rows[4]!.hash.toString('hex'),
    });
  });

  it('verifies an empty chain with no head', () => {
    expect(verify([])).toEqual({ ok: true, checked: 0, headHash: null });
  });

  it('finds a changed row by its hash', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, details: { n: 3, fields: ['status', 'priority'] } };
    expect(verify(rows)).toEqual({
      ok: false,
      checked: 2,
      headHash: null,
      firstBroken: { id: '3', reason: 'hash_mismatch' },
    });
  });

  it('finds a changed timestamp, actor or address', () => {
    for (const change of [
      { occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 59)) },
      { actorUsername: 'someone-else' },
      { ip: '198.51.100.1' },
    ]) {
      const rows = chain(3);
      rows[0] = { ...rows[0]!, ...change };
      expect(verify(rows).firstBroken).toEqual({ id: '1', reason: 'hash_mismatch' });
    }
  });

  it('finds a row rewritten with a recomputed hash by the broken link after it', () => {
    const rows = chain(4);
    const forged = { ...rows[1]!, action: 'tip.viewed' };
    rows[1] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verify(rows).firstBroken).toEqual({ id: '3', reason: 'broken_link' });
  });

  it('finds a removed row', () => {
    const rows = chain(5);
    rows.splice(2, 1);
    expect(verify(rows)).toMatchObject({
      ok: false,
      checked: 2,
      firstBroken: { id: '4', reason: 'broken_link' },
    });
  });

  it('finds a removed first row', () => {
    expect(verify(chain(3).slice(1)).firstBroken).toEqual({ id: '2', reason: 'broken_link' });
  });

  it('finds reordered rows', () => {
    const rows = chain(5);
    [rows[1], rows[2]] = [rows[2]!, rows[1]!];
    expect(verify(rows)).toMatchObject({
      ok: false,
      checked: 1,
      firstBroken: { id: '3', reason: 'broken_link' },
    });
  });

  it('shows a truncated tail only through a different head', () => {
    const rows = chain(5);
    const whole = verify(rows);
    const cut = verify(rows.slice(0, 4));
    expect(cut.ok).toBe(true);
    expect(cut.headHash).not.toBe(whole.headHash);
  });

  it('refuses every row after the first broken one', () => {
    const rows = chain(3);
    const v = new ChainVerifier();
    expect(v.push(rows[1]!)).toBe(false);
    expect(v.push(rows[0]!)).toBe(false);
    expect(v.result().checked).toBe(0);
  });
});
