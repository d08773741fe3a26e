import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An encrypted file; its ciphertext is split over attachment_chunk rows. */
@Entity({ name: 'attachment' })
export class Attachment {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Null while the upload is staged (not yet adopted by a committed tip or message). */
  @Column({ name: 'tip_id', type: 'uuid', nullable: true })
  tipId: string | null;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId: string | null;

  /** 1-based number within the tip (`/attachments/{n}`); null while staged. */
  @Column({ type: 'integer', nullable: true })
  n: number | null;

  /** Last progress of a staged upload; null once adopted. */
  @Column({ name: 'staged_at', type: 'timestamptz', nullable: true })
  stagedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'ciphertext_bytes', type: 'bigint' })
  ciphertextBytes: string;

  @Column({ name: 'chunk_count', type: 'integer' })
  chunkCount: number;

  @Column({ name: 'key_fingerprints', type: 'text', array: true })
  keyFingerprints: string[];
}

@Entity({ name: 'attachment_chunk' })
export class AttachmentChunk {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'bytea' })
  data: Buffer;
}
