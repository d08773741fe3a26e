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

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
