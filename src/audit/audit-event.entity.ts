import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One link of the tamper-evident audit chain. Append-only (a trigger refuses UPDATE and DELETE). */
@Entity({ name: 'audit_event' })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_username', type: 'text', nullable: true })
  actorUsername: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  /** Staff address (staff are not anonymous); never set for public routes. */
  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'bytea' })
  prevHash: Buffer;

  @Column({ type: 'bytea' })
  hash: Buffer;
}
