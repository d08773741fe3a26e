import type { TriageRow } from '../triage-row.js';
import { planTipUpdate, type TipPatch, type UpdateContext } from './update-rules.js';

const ME = '00000000-0000-7000-8000-00000000000a';
const OTHER = '00000000-0000-7000-8000-00000000000b';
const TIP = '00000000-0000-7000-8000-000000000001';
/** A tip id with letters in it, to spell in upper case. */
const LETTERED = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const ORIGINAL = '00000000-0000-7000-8000-000000000002';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;

const row = (over: Partial<TriageRow> = {}): TriageRow => ({
  id: TIP,
  reference: 'TIP-AAAA-BBBB',
  channel: 'public',
  partner_id: null,
  source_ref: null,
  category: 'cyber',
  submitter_urgency: 'days',
  received_at: new Date('2026-03-01T11:00:00.000Z'),
  received_exact: '2026-03-01T11:00:00.000000Z',
  status: 'triaging',
  priority: 2,
  severity: null,
  tlp: 'amber',
  confidence: null,
  tags: [],
  assignee_id: null,
  assignee_username: null,
  duplicate_of: null,
  legal_hold: false,
  purge_after: null,
  payload_bytes: 100,
  attachment_count: 0,
  key_fingerprints: [],
  signer_fingerprint: null,
  version: 3,
  updated_at: null,
  ...over,
});

const looked: string[] = [];
const ctx = (over: Partial<UpdateContext> = {}): UpdateContext => ({
  role: 'analyst',
  actorId: ME,
  now: NOW,
  retentionDays: 30,
  tipExists: (id) => {
    looked.push(`tip:${id}`);
    return Promise.resolve(id === ORIGINAL);
  },
  isActiveStaff: (id) => {
    looked.push(`staff:${id}`);
    return Promise.resolve(id === ME || id === OTHER);
  },
  ...over,
});
const lead = (over: Partial<UpdateContext> = {}) => ctx({ role: 'lead', ...over });
const patch = (over: Partial<TipPatch>): TipPatch => ({ version: 3, ...over });

beforeEach(() => {
  looked.length = 0;
});

describe('update rules', () => {
  it('refuses a stale version before anything else', async () => {
    await expect(
      planTipUpdate(row(), { version: 2, legalHold: true, duplicateOf: TIP }, ctx()),
    ).rejects.toMatchObject({ status: 409, code: 'version_conflict' });
    expect(looked).toEqual([]);
  });

  it('changes nothing when every field is set to what it is', async () => {
    const tip = row({ tags: ['a', 'b'], severity: 2, assignee_id: ME });
    const plan = await planTipUpdate(
      tip,
      patch({
        status: 'triaging',
        priority: 'P2',
        severity: 2,
        tlp: 'amber',
        tags: ['b', 'a', 'b'],
        assigneeId: 'me',
        legalHold: false,
      }),
      ctx(),
    );
    expect(plan).toEqual({ changes: {}, diff: {} });
    expect(looked).toEqual([]);
  });

  it('shows priority as labels in the diff and stores the number', async () => {
    const plan = await planTipUpdate(
      row(),
      patch({ priority: 'P1', tags: ['z', 'a', 'z'] }),
      ctx(),
    );
    expect(plan.changes).toEqual({ priority: 1, tags: ['a', 'z'] });
    expect(plan.diff).toEqual({
      priority: { from: 'P2', to: 'P1' },
      tags: { from: [], to: ['a', 'z'] },
    });
  });

  describe('duplicates', () => {
    it('lets an analyst propose one by duplicateOf alone', async () => {
      const plan = await planTipUpdate(row(), patch({ duplicateOf: ORIGINAL }), ctx());
      expect(plan.changes).toEqual({ duplicateOf: ORIGINAL });
      expect(looked).toEqual([`tip:${ORIGINAL}`]);
    });

    it('refuses a tip duplicating itself or a tip that does not exist', async () => {
      await expect(planTipUpdate(row(), patch({ duplicateOf: TIP }), lead())).rejects.toMatchObject(
        { status: 422, message: 'A tip cannot duplicate itself.' },
      );
      await expect(
        planTipUpdate(
          row({ id: LETTERED }),
          patch({ duplicateOf: LETTERED.toUpperCase() }),
          lead(),
        ),
      ).rejects.toMatchObject({ status: 422, message: 'A tip cannot duplicate itself.' });
      await expect(
        planTipUpdate(row(), patch({ duplicateOf: OTHER, status: 'duplicate' }), lead()),
      ).rejects.toMatchObject({ status: 422, message: 'duplicateOf names no tip.' });
    });

    it('starts retention when a lead confirms one', async () => {
      const plan = await planTipUpdate(
        row(),
        patch({ status: 'duplicate', duplicateOf: ORIGINAL }),
        lead(),
      );
      expect(plan.changes).toEqual({
        status: 'duplicate',
        duplicateOf: ORIGINAL,
        purgeAfter: new Date(NOW.getTime() + 30 * DAY),
      });
    });

    it('clears the link and retention when a lead undoes one', async () => {
      const tip = row({
        status: 'duplicate',
        duplicate_of: ORIGINAL,
        purge_after: new Date(NOW.getTime() + DAY),
      });
      const plan = await planTipUpdate(tip, patch({ status: 'triaging' }), lead());
      expect(plan.changes).toEqual({ status: 'triaging', duplicateOf: null, purgeAfter: null });
      expect(plan.diff.duplicateOf).toEqual({ from: ORIGINAL, to: null });
    });

    it('refuses an analyst undoing one (the workflow decides)', async () => {
      const tip = row({ status: 'duplicate', duplicate_of: ORIGINAL });
      await expect(planTipUpdate(tip, patch({ status: 'triaging' }), ctx())).rejects.toMatchObject({
        status: 403,
        message: 'Only a lead can undo a duplicate.',
      });
    });
  });

  describe('status', () => {
    it('lets an analyst move an unassigned tip or their own, and no other', async () => {
      const move = patch({ status: 'escalated' });
      expect((await planTipUpdate(row(), move, ctx())).changes).toEqual({ status: 'escalated' });
      expect((await planTipUpdate(row({ assignee_id: ME }), move, ctx())).changes).toEqual({
        status: 'escalated',
      });
      await expect(planTipUpdate(row({ assignee_id: OTHER }), move, ctx())).rejects.toMatchObject({
        status: 403,
      });
      expect((await planTipUpdate(row({ assignee_id: OTHER }), move, lead())).changes.status).toBe(
        'escalated',
      );
    });

    it('starts retention on close (a lead), not on other moves', async () => {
      const closed = await planTipUpdate(
        row({ status: 'actioned' }),
        patch({ status: 'closed' }),
        lead({ retentionDays: 7 }),
      );
      expect(closed.changes.purgeAfter).toEqual(new Date(NOW.getTime() + 7 * DAY));
      const moved = await planTipUpdate(row(), patch({ status: 'actioned' }), lead());
      expect(moved.changes).not.toHaveProperty('purgeAfter');
      await expect(
        planTipUpdate(row({ status: 'actioned' }), patch({ status: 'closed' }), ctx()),
      ).rejects.toMatchObject({ status: 403, message: 'Only a lead can close a tip.' });
    });

    it('refuses a transition the workflow lacks, for a lead too', async () => {
      await expect(
        planTipUpdate(row({ status: 'new' }), patch({ status: 'closed' }), lead()),
      ).rejects.toMatchObject({ status: 409, code: 'invalid_transition' });
    });
  });

  describe('legal hold', () => {
    it('is set and lifted by a lead only', async () => {
      await expect(planTipUpdate(row(), patch({ legalHold: true }), ctx())).rejects.toMatchObject({
        status: 403,
        message: 'Only a lead can set or lift a legal hold.',
      });
      expect((await planTipUpdate(row(), patch({ legalHold: true }), lead())).changes).toEqual({
        legalHold: true,
      });
      const held = row({ legal_hold: true });
      await expect(planTipUpdate(held, patch({ legalHold: false }), ctx())).rejects.toMatchObject({
        status: 403,
      });
    });
  });

  describe('assignment', () => {
    it('lets an analyst claim an unassigned tip (as me) and release their own', async () => {
      const claimed = await planTipUpdate(row(), patch({ assigneeId: 'me' }), ctx());
      expect(claimed.changes).toEqual({ assigneeId: ME });
      const released = await planTipUpdate(
        row({ assignee_id: ME }),
        patch({ assigneeId: null }),
        ctx(),
      );
      expect(released.changes).toEqual({ assigneeId: null });
      expect(looked).toEqual([`staff:${ME}`]);
    });

    it("refuses an analyst assigning someone else, taking another's tip or releasing it", async () => {
      const refused = { status: 403, message: /claim an unassigned tip or release their own/ };
      await expect(planTipUpdate(row(), patch({ assigneeId: OTHER }), ctx())).rejects.toMatchObject(
        refused,
      );
      const theirs = row({ assignee_id: OTHER });
      await expect(planTipUpdate(theirs, patch({ assigneeId: 'me' }), ctx())).rejects.toMatchObject(
        refused,
      );
      await expect(planTipUpdate(theirs, patch({ assigneeId: null }), ctx())).rejects.toMatchObject(
        refused,
      );
      expect(looked).toEqual([]);
    });

    it('lets a lead assign anyone active, and nobody inactive', async () => {
      const plan = await planTipUpdate(
        row({ assignee_id: ME }),
        patch({ assigneeId: OTHER }),
        lead(),
      );
      expect(plan.diff).toEqual({ assigneeId: { from: ME, to: OTHER } });
      const gone = '00000000-0000-7000-8000-00000000000c';
      await expect(planTipUpdate(row(), patch({ assigneeId: gone }), lead())).rejects.toMatchObject(
        {
          status: 422,
          message: 'The assignee is not an active analyst or lead.',
        },
      );
    });
  });

  it('answers with the first broken rule, in order', async () => {
    // A missing duplicate is found before the status is judged ...
    await expect(
      planTipUpdate(row(), patch({ duplicateOf: OTHER, status: 'closed' }), ctx()),
    ).rejects.toMatchObject({ status: 422, message: 'duplicateOf names no tip.' });
    // ... and the legal hold before the assignment.
    await expect(
      planTipUpdate(row(), patch({ legalHold: true, assigneeId: OTHER }), ctx()),
    ).rejects.toMatchObject({ message: 'Only a lead can set or lift a legal hold.' });
  });
});
