import type { TipStatus } from '../tip.entity.js';

/**
 * new -> triaging -> escalated | actioned | no_action -> closed;
 * duplicate from any open state. Closed and duplicate are final.
 */
export const TRANSITIONS: Record<TipStatus, readonly TipStatus[]> = {
  new: ['triaging', 'duplicate'],
  triaging: ['escalated', 'actioned', 'no_action', 'duplicate'],
  escalated: ['actioned', 'no_action', 'closed', 'duplicate'],
  actioned: ['closed', 'duplicate'],
  no_action: ['closed', 'duplicate'],
  closed: [],
  duplicate: [],
};

export function canTransition(from: TipStatus, to: TipStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
