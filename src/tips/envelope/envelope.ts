import { canonicalJson } from '../../common/canonical-json.js';
import type { WrittenAttachment } from '../attachments/attachment-writer.js';
import type { SubmitTipDto } from '../intake/submit-tip.dto.js';
import type { SubmitterUrgency } from '../tip.entity.js';

/** Format tag inside every encrypted tip, so readers know how to interpret it. */
export const TIP_PAYLOAD_SCHEMA = 'tipline.tip/v1';
/** Format tag inside every encrypted message (submitter's or analyst's). */
export const MESSAGE_SCHEMA = 'tipline.message/v1';
/** What the submitter's sealed copy of a message holds. */
export const SEALED_SCHEMA = 'tipline.sealed-message/v1';
/** Format tag inside every encrypted analyst's note. */
export const NOTE_SCHEMA = 'tipline.note/v1';

type Json = Parameters<typeof canonicalJson>[0];

const INITIAL_PRIORITY: Record<SubmitterUrgency, number> = {
  'immediate-danger': 1,
  days: 2,
  weeks: 3,
  unknown: 3,
};

/** What a submitter's tip holds besides its metadata: every field, listed. */
export type TipFields = Pick<
  SubmitTipDto,
  | 'category'
  | 'submitterUrgency'
  | 'narrative'
  | 'location'
  | 'occurredAt'
  | 'peopleInvolved'
  | 'organisationsInvolved'
  | 'contact'
>;

/** A partner's tip adds its own reference, indicators, classification and signature. */
export interface PartnerTipFields extends TipFields {
  sourceRef: string;
  indicators?: readonly object[];
  classification?: object;
}

/** Where the plaintext sits: the reference and arrival time bind the ciphertext to its row. */
export interface EnvelopeOf {
  reference: string;
  receivedAt: Date;
}

/**
 * Times a submitter's envelope carries, and the ids made from them: the
 * minute only, never a finer arrival time.
 */
export function startOfMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/** 1 (P1) to 3 from the submitter's urgency, unless a partner classified the tip itself. */
export function initialPriority(urgency: SubmitterUrgency, classified?: `P${number}`): number {
  return classified ? Number(classified.slice(1)) : INITIAL_PRIORITY[urgency];
}

/** What the envelope lists of each file; absent when there are none. */
export function attachmentManifest(files: readonly WrittenAttachment[]): Json[] | undefined {
  return files.length > 0
    ? files.map((f) => ({ n: f.n, name: f.name, type: f.type, size: f.size, sha256: f.sha256 }))
    : undefined;
}

function tipFields(input: TipFields): Record<string, Json | undefined> {
  return {
    category: input.category,
    submitterUrgency: input.submitterUrgency,
    narrative: input.narrative,
    location: input.location,
    occurredAt: input.occurredAt,
    peopleInvolved: input.peopleInvolved,
    organisationsInvolved: input.organisationsInvolved,
    contact: input.contact,
  };
}

/** The plaintext of a public tip (canonical JSON), as it is encrypted. */
export function publicTipContent(
  tip: EnvelopeOf,
  input: TipFields,
  files: readonly WrittenAttachment[],
): string {
  return canonicalJson({
    schema: TIP_PAYLOAD_SCHEMA,
    reference: tip.reference,
    channel: 'public',
    receivedAt: tip.receivedAt.toISOString(),
    ...tipFields(input),
    attachments: attachmentManifest(files),
  });
}

/** The plaintext of a partner's tip (canonical JSON), as it is encrypted. */
export function partnerTipContent(
  tip: EnvelopeOf,
  partner: { id: string; name: string },
  input: PartnerTipFields,
  signature?: { signedBy: string | null; armored: string },
): string {
  return canonicalJson({
    schema: TIP_PAYLOAD_SCHEMA,
    reference: tip.reference,
    channel: 'partner',
    partner,
    receivedAt: tip.receivedAt.toISOString(),
    ...tipFields(input),
    sourceRef: input.sourceRef,
    indicators: input.indicators as unknown as Json,
    classification: input.classification as unknown as Json,
    signature,
  });
}

/** The plaintext of a message for the analysts' keys: a submitter's follow-up or a reply. */
export function messageContent(
  message: {
    id: string;
    tipId: string;
    reference: string;
    at: Date;
    from: 'submitter' | 'analyst';
    /** The analyst's username (replies). */
    author?: string;
  },
  body: string,
  files: readonly WrittenAttachment[] = [],
): string {
  return canonicalJson({
    schema: MESSAGE_SCHEMA,
    messageId: message.id,
    tipId: message.tipId,
    reference: message.reference,
    from: message.from,
    author: message.author,
    at: message.at.toISOString(),
    body,
    attachments: attachmentManifest(files),
  });
}

/** The plaintext of the submitter's sealed copy of a message. */
export function sealedMessageContent(body: string): string {
  return canonicalJson({ schema: SEALED_SCHEMA, body });
}

/** The plaintext of an analyst's note on a tip. */
export function noteContent(
  note: { id: string; tipId: string; reference: string; author: string; createdAt: Date },
  body: string,
): string {
  return canonicalJson({
    schema: NOTE_SCHEMA,
    noteId: note.id,
    tipId: note.tipId,
    reference: note.reference,
    author: note.author,
    createdAt: note.createdAt.toISOString(),
    body,
  });
}
