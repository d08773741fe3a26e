import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const TIP_CATEGORIES = [
  'terrorism',
  'espionage',
  'foreign-interference',
  'cyber',
  'proliferation',
  'other',
] as const;
export type TipCategory = (typeof TIP_CATEGORIES)[number];

export const SUBMITTER_URGENCIES = ['immediate-danger', 'days', 'weeks', 'unknown'] as const;
export type SubmitterUrgency = (typeof SUBMITTER_URGENCIES)[number];

export const TIP_CHANNELS = ['public', 'partner'] as const;
export type TipChannel = (typeof TIP_CHANNELS)[number];

export const TIP_STATUSES = [
  'new',
  'triaging',
  'escalated',
  'actioned',
  'no_action',
  'closed',
  'duplicate',
] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/**
 * One row per submission. Everything a submitter wrote is in `payload`
 * (OpenPGP ciphertext); the other columns are triage metadata.
 */
@Entity({ name: 'tip' })
@Index('tip_partner_source_ref_key', ['partnerId', 'sourceRef'], {
  unique: true,
  where: 'source_ref IS NOT NULL',
})
export class Tip {
  /** UUIDv7: time-ordered, so inserts stay at the right edge of the index. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index('tip_reference_key', { unique: true })
  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  channel: TipChannel;

  @Column({ name: 'partner_id', type: 'uuid', nullable: true })
  partnerId: string | null;

  @Column({ type: 'text' })
  category: TipCategory;

  @Column({ name: 'submitter_urgency', type: 'text' })
  submitterUrgency: SubmitterUrgency;

  /** Minute precision for public tips, so arrival times do not single out a submitter. */
  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'text', default: 'new' })
  status: TipStatus;

  /** 1 (P1, most urgent) .. 4 (P4). */
  @Column({ type: 'smallint' })
  priority: number;

  @Column({ type: 'smallint', nullable: true })
  severity: number | null;

  @Column({ type: 'text', default: 'amber' })
  tlp: Tlp;

  @Column({ type: 'smallint', nullable: true })
  confidence: number | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true })
  duplicateOf: string | null;

  @Column({ name: 'legal_hold', type: 'boolean', default: false })
  legalHold: boolean;

  @Column({ name: 'purge_after', type: 'timestamptz', nullable: true })
  purgeAfter: Date | null;

  /** Size of the stored ciphertext. */
  @Column({ name: 'payload_bytes', type: 'integer' })
  payloadBytes: number;

  @Column({ name: 'attachment_count', type: 'integer', default: 0 })
  attachmentCount: number;

  /** Fingerprints of the intake keys the payload was encrypted to. */
  @Column({ name: 'key_fingerprints', type: 'text', array: true })
  keyFingerprints: string[];

  /** Fingerprint of the partner key whose signature verified; null if unsigned. */
  @Column({ name: 'signer_fingerprint', type: 'text', nullable: true })
  signerFingerprint: string | null;

  @Column({ name: 'source_ref', type: 'text', nullable: true })
  sourceRef: string | null;

  /** HMAC of the submitter's receipt (never the receipt). */
  @Index('tip_receipt_hash_key', { unique: true, where: 'receipt_hash IS NOT NULL' })
  @Column({ name: 'receipt_hash', type: 'bytea', nullable: true })
  receiptHash: Buffer | null;

  /** Optimistic concurrency: every triage update increments it. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;

  /** The submitter accepted replies: a reply key exists. */
  @Column({ name: 'allow_replies', type: 'boolean', default: false })
  allowReplies: boolean;

  /** Raw X25519 public key replies are sealed to (HPKE). */
  @Column({ name: 'submitter_public_key', type: 'bytea', nullable: true })
  submitterPublicKey: Buffer | null;

  /** Its private half, wrapped (AES-256-GCM) under a key derived from the receipt. */
  @Column({ name: 'submitter_wrapped_key', type: 'bytea', nullable: true })
  submitterWrappedKey: Buffer | null;

  /** Binary OpenPGP message of the canonical JSON content. */
  @Column({ type: 'bytea' })
  payload: Buffer;
}
