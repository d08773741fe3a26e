import type { SubmitterUrgency, TipCategory, TipChannel, TipStatus, Tlp } from './tip.entity.js';

/** Columns triage reads: everything but the ciphertext, plus the assignee's username. */
export const TRIAGE_COLUMNS = `t.id, t.reference, t.channel, t.partner_id, t.source_ref, t.category,
  t.submitter_urgency, t.received_at,
  to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_exact, t.status, t.priority, t.severity, t.tlp, t.confidence, t.tags,
  t.assignee_id, a.username AS assignee_username, t.duplicate_of, t.legal_hold, t.purge_after,
  t.payload_bytes, t.attachment_count, t.key_fingerprints, t.signer_fingerprint, t.version, t.updated_at`;

export const TRIAGE_FROM = `tip t LEFT JOIN analyst a ON a.id = t.assignee_id`;

export interface TriageRow {
  id: string;
  reference: string;
  channel: TipChannel;
  partner_id: string | null;
  source_ref: string | null;
  category: TipCategory;
  submitter_urgency: SubmitterUrgency;
  received_at: Date;
  /** Microsecond text form, for cursors (a JS Date keeps only milliseconds). */
  received_exact: string;
  status: TipStatus;
  priority: number;
  severity: number | null;
  tlp: Tlp;
  confidence: number | null;
  tags: string[];
  assignee_id: string | null;
  assignee_username: string | null;
  duplicate_of: string | null;
  legal_hold: boolean;
  purge_after: Date | null;
  payload_bytes: number;
  attachment_count: number;
  key_fingerprints: string[];
  signer_fingerprint: string | null;
  version: number;
  updated_at: Date | null;
}
