import { TIP_STATUSES, type TipStatus } from '../tip.entity.js';
import { canTransition, refuseStatusChange, type StatusChange } from './workflow.js';

const ME = 'me-id';
const OTHER = 'other-id';
const change = (over: Partial<StatusChange>): StatusChange => ({
  from: 'triaging',
  to: 'escalated',
  role: 'analyst',
  actorId: ME,
  assigneeId: null,
  duplicateOf: null,
  ...over,
});

describe('triage workflow', () => {
  it('keeps closed final and lets a duplicate go back to triaging only', () => {
    for (const to of TIP_STATUSES as readonly TipStatus[]) {
      expect(canTransition('closed', to)).toBe(false);
      expect(canTransition('duplicate', to)).toBe(to === 'triaging');
    }
  });

  it('lets only a lead set a terminal state', () => {
    expect(refuseStatusChange(change({ from: 'actioned', to: 'closed' }))?.status).toBe(403);
    expect(refuseStatusChange(change({ to: 'duplicate', duplicateOf: OTHER }))?.message).toMatch(
      /propose one by setting duplicateOf/,
    );
    expect(refuseStatusChange(change({ from: 'actioned', to: 'closed', role: 'lead' }))).toBeNull();
    expect(
      refuseStatusChange(change({ to: 'duplicate', duplicateOf: OTHER, role: 'lead' })),
    ).toBeNull();
  });

  it('needs duplicateOf to confirm a duplicate', () => {
    expect(refuseStatusChange(change({ to: 'duplicate', role: 'lead' }))?.status).toBe(422);
  });

  it('lets only a lead undo a duplicate', () => {
    expect(refuseStatusChange(change({ from: 'duplicate', to: 'triaging' }))?.status).toBe(403);
    expect(
      refuseStatusChange(change({ from: 'duplicate', to: 'triaging', role: 'lead' })),
    ).toBeNull();
  });

  it("keeps an analyst's hands off the status of a tip assigned to someone else", () => {
    expect(refuseStatusChange(change({ assigneeId: OTHER }))?.status).toBe(403);
    expect(refuseStatusChange(change({ assigneeId: ME }))).toBeNull();
    expect(refuseStatusChange(change({ assigneeId: null }))).toBeNull();
    expect(refuseStatusChange(change({ assigneeId: OTHER, role: 'lead' }))).toBeNull();
  });

  it('refuses transitions the workflow lacks, for everyone', () => {
    expect(refuseStatusChange(change({ from: 'new', to: 'closed', role: 'lead' }))?.code).toBe(
      'invalid_transition',
    );
  });
});
