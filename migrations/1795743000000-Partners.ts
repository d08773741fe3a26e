import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Partners1795743000000 implements MigrationInterface {
  name = 'Partners1795743000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "partner" (
        "id" uuid NOT NULL,
        "name" text NOT NULL,
        "require_signature" boolean NOT NULL DEFAULT false,
        "requests_per_minute" integer NOT NULL DEFAULT 60,
        "tips_per_day" integer NOT NULL DEFAULT 1000,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "disabled_at" timestamptz,
        CONSTRAINT "partner_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "partner_limits_check" CHECK ("requests_per_minute" > 0 AND "tips_per_day" > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX "partner_name_key" ON "partner" (lower("name"))`);

    await q.query(`
      CREATE TABLE "api_key" (
        "id" text NOT NULL,
        "partner_id" uuid NOT NULL,
        "secret_hash" bytea NOT NULL,
        "label" text,
        "scopes" text array NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        "last_used_at" timestamptz,
        CONSTRAINT "api_key_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "api_key_partner_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner" ("id") ON DELETE CASCADE,
        CONSTRAINT "api_key_scopes_check" CHECK (cardinality("scopes") > 0 AND "scopes" <@ ARRAY['tips:submit', 'tips:read']::text[])
      )`);
    await q.query(`CREATE INDEX "api_key_partner_idx" ON "api_key" ("partner_id")`);

    await q.query(`
      CREATE TABLE "partner_signing_key" (
        "id" uuid NOT NULL,
        "partner_id" uuid NOT NULL,
        "fingerprint" text NOT NULL,
        "armored" text NOT NULL,
        "added_at" timestamptz NOT NULL DEFAULT now(),
        "retired_at" timestamptz,
        CONSTRAINT "partner_signing_key_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "partner_signing_key_partner_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner" ("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "partner_signing_key_fingerprint_key" ON "partner_signing_key" ("partner_id", "fingerprint")`,
    );

    await q.query(`
      CREATE TABLE "idempotency_record" (
        "partner_id" uuid NOT NULL,
        "key" text NOT NULL,
        "request_hash" bytea NOT NULL,
        "state" text NOT NULL,
        "response_status" integer,
        "response_body" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("partner_id", "key"),
        CONSTRAINT "idempotency_record_partner_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner" ("id") ON DELETE CASCADE,
        CONSTRAINT "idempotency_record_state_check" CHECK ("state" IN ('in_flight', 'done'))
      )`);
    await q.query(
      `CREATE INDEX "idempotency_record_expires_idx" ON "idempotency_record" ("expires_at")`,
    );

    await q.query(
      `ALTER TABLE "tip" ADD CONSTRAINT "tip_partner_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner" ("id")`,
    );
    await q.query(
      `CREATE INDEX "tip_partner_received_idx" ON "tip" ("partner_id", "received_at" DESC, "id" DESC) WHERE partner_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tip_partner_received_idx"`);
    await q.query(`ALTER TABLE "tip" DROP CONSTRAINT "tip_partner_fkey"`);
    await q.query(`DROP TABLE "idempotency_record"`);
    await q.query(`DROP TABLE "partner_signing_key"`);
    await q.query(`DROP TABLE "api_key"`);
    await q.query(`DROP TABLE "partner"`);
  }
}
