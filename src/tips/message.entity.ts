import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A follow-up from the submitter or a reply from an analyst; content is ciphertext. */
@Entity({ name: 'message' })
export class Message {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Thread order (times alone cannot order it: the submitter's are rounded to the minute). */
  @Column({
    type: 'bigint',
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    insert: false,
    update: false,
  })
  seq?: string;

  @Column({ name: 'tip_id', type: 'uuid' })
  tipId: string;

  @Column({ type: 'text' })
  direction: 'submitter' | 'analyst';

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId: string | null;

  /** Minute precision for the submitter's messages. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** OpenPGP message to the intake keys (the analysts' copy). */
  @Column({ type: 'bytea' })
  body: Buffer;

  @Column({ name: 'key_fingerprints', type: 'text', array: true })
  keyFingerprints: string[];

  /** HPKE-sealed copy for the submitter (enc || ciphertext); null without a reply key. */
  @Column({ name: 'submitter_sealed', type: 'bytea', nullable: true })
  submitterSealed: Buffer | null;

  @Column({ name: 'attachment_count', type: 'integer', default: 0 })
  attachmentCount: number;
}
