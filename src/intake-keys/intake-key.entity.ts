import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An intake public key added by an admin (keys from INTAKE_PUBLIC_KEYS are not stored). */
@Entity({ name: 'intake_key' })
export class IntakeKey {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'smallint' })
  version: number;

  @Column({ type: 'text' })
  armored: string;

  @Column({ name: 'added_by', type: 'uuid', nullable: true })
  addedBy: string | null;

  @Column({ name: 'added_at', type: 'timestamptz', default: () => 'now()' })
  addedAt: Date;

  /** The second person who approved it; null for a pending key (not used) or a pre-existing one. */
  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  /** Null while pending: the key encrypts nothing before a second admin approves it. */
  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
