import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An analyst's internal note on a tip; `body` is OpenPGP ciphertext. */
@Entity({ name: 'note' })
export class Note {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'tip_id', type: 'uuid' })
  tipId: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'bytea' })
  body: Buffer;

  @Column({ name: 'key_fingerprints', type: 'text', array: true })
  keyFingerprints: string[];
}
