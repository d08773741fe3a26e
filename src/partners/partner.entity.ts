import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A company that submits tips through the API with its own keys. */
@Entity({ name: 'partner' })
export class Partner {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** When set, every submission must carry a valid detached OpenPGP signature. */
  @Column({ name: 'require_signature', type: 'boolean', default: false })
  requireSignature: boolean;

  @Column({ name: 'requests_per_minute', type: 'integer', default: 60 })
  requestsPerMinute: number;

  @Column({ name: 'tips_per_day', type: 'integer', default: 1000 })
  tipsPerDay: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}

/** `tpk_<id>_<secret>`: only the SHA-256 of the secret is stored. */
@Entity({ name: 'api_key' })
export class ApiKey {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId: string;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  @Column({ type: 'text', nullable: true })
  label: string | null;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}

/** An OpenPGP public key a partner signs submissions with. */
@Entity({ name: 'partner_signing_key' })
export class PartnerSigningKey {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId: string;

  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'text' })
  armored: string;

  @Column({ name: 'added_at', type: 'timestamptz', default: () => 'now()' })
  addedAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}

/** The first response to an Idempotency-Key, kept at least 24 h. */
@Entity({ name: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryColumn({ name: 'partner_id', type: 'uuid' })
  partnerId: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ name: 'request_hash', type: 'bytea' })
  requestHash: Buffer;

  /** Always `done` now; `in_flight` rows are claims of an earlier version (taken over after 5 min). */
  @Column({ type: 'text' })
  state: 'in_flight' | 'done';

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
