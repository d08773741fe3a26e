import type { TipStatus } from './tip.entity.js';

export type PublicStatus = 'received' | 'under review' | 'closed';

/** What a submitter or partner may know of a tip's progress, and no more. */
export function publicStatus(status: TipStatus): PublicStatus {
  if (status === 'new') return 'received';
  if (status === 'closed' || status === 'duplicate') return 'closed';
  return 'under review';
}
