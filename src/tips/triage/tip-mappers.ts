import type { NoteRow } from '../notes.repository.js';
import type { TriageRow } from '../triage-row.js';
import type { Priority } from './tip-fields.js';
import type { NoteRefDto, TipSummaryDto } from './tip-response.dto.js';

export function priorityLabel(p: number): Priority {
  return `P${p}` as Priority;
}

export function priorityValue(p: Priority): number {
  return Number(p.slice(1));
}

/** Every field listed: a new column never reaches the wire by accident. */
export function mapTipSummary(r: TriageRow): TipSummaryDto {
  return {
    id: r.id,
    reference: r.reference,
    channel: r.channel,
    partnerId: r.partner_id,
    sourceRef: r.source_ref,
    category: r.category,
    submitterUrgency: r.submitter_urgency,
    receivedAt: r.received_at.toISOString(),
    status: r.status,
    priority: priorityLabel(r.priority),
    severity: r.severity,
    tlp: r.tlp,
    confidence: r.confidence,
    tags: r.tags,
    assignee: r.assignee_id ? { id: r.assignee_id, username: r.assignee_username ?? '' } : null,
    duplicateOf: r.duplicate_of,
    legalHold: r.legal_hold,
    purgeAfter: r.purge_after?.toISOString() ?? null,
    payloadBytes: r.payload_bytes,
    attachmentCount: r.attachment_count,
    keyFingerprints: r.key_fingerprints,
    signature: r.signer_fingerprint,
    version: r.version,
    updatedAt: r.updated_at?.toISOString() ?? null,
  };
}

export function mapNoteRef(n: NoteRow): NoteRefDto {
  return {
    id: n.id,
    author: { id: n.author_id, username: n.author_username },
    createdAt: n.created_at.toISOString(),
  };
}
