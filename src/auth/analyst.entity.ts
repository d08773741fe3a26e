import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { StaffRole } from '../common/auth/roles.js';

/** A staff member (any role). Secrets are stored hashed or sealed, never in clear. */
@Entity({ name: 'analyst' })
export class Analyst {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  username: string;

  @Column({ type: 'text' })
  role: StaffRole;

  /** argon2id PHC string. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword: boolean;

  /** TOTP secret sealed with a key derived from SERVER_SECRET (AES-256-GCM). */
  @Column({ name: 'totp_secret', type: 'bytea' })
  totpSecret: Buffer;

  /** Last accepted TOTP time step: a code is accepted once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Who asked for the current role through the API (a content role waits for a second person). */
  @Column({ name: 'role_requested_by', type: 'uuid', nullable: true })
  roleRequestedBy: string | null;

  @Column({ name: 'role_requested_at', type: 'timestamptz', nullable: true })
  roleRequestedAt: Date | null;

  @Column({ name: 'role_approved_by', type: 'uuid', nullable: true })
  roleApprovedBy: string | null;

  /** Null while a content role (analyst, lead) awaits approval: the role grants nothing yet. */
  @Column({ name: 'role_approved_at', type: 'timestamptz', nullable: true })
  roleApprovedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
