import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffTriageAudit1795742000000 implements MigrationInterface {
  name = 'StaffTriageAudit1795742000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "analyst" (
        "id" uuid NOT NULL,
        "username" text NOT NULL,
        "role" text NOT NULL,
        "password_hash" text NOT NULL,
        "must_change_password" boolean NOT NULL DEFAULT true,
        "totp_secret" bytea NOT NULL,
        "totp_last_step" bigint,
        "disabled_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "analyst_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "analyst_role_check" CHECK ("role" IN ('analyst', 'lead', 'admin', 'auditor')),
        CONSTRAINT "analyst_username_check" CHECK ("username" ~ '^[a-z0-9][a-z0-9._-]{1,62}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX "analyst_username_key" ON "analyst" ("username")`);

    await q.query(`
      CREATE TABLE "session" (
        "id" uuid NOT NULL,
        "analyst_id" uuid NOT NULL,
        "token_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL,
        "last_seen_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "session_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "session_analyst_fkey" FOREIGN KEY ("analyst_id") REFERENCES "analyst" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "session_token_hash_key" ON "session" ("token_hash")`);
    await q.query(
      `CREATE INDEX "session_analyst_idx" ON "session" ("analyst_id") WHERE revoked_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE "intake_key" (
        "id" uuid NOT NULL,
        "fingerprint" text NOT NULL,
        "version" smallint NOT NULL,
        "armored" text NOT NULL,
        "added_by" uuid,
        "added_at" timestamptz NOT NULL DEFAULT now(),
        "retired_at" timestamptz,
        CONSTRAINT "intake_key_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "intake_key_added_by_fkey" FOREIGN KEY ("added_by") REFERENCES "analyst" ("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "intake_key_fingerprint_key" ON "intake_key" ("fingerprint")`,
    );

    await q.query(`
      CREATE TABLE "note" (
        "id" uuid NOT NULL,
        "tip_id" uuid NOT NULL,
        "author_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        "body" bytea NOT NULL,
        "key_fingerprints" text array NOT NULL,
        CONSTRAINT "note_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "note_tip_fkey" FOREIGN KEY ("tip_id") REFERENCES "tip" ("id") ON DELETE CASCADE,
        CONSTRAINT "note_author_fkey" FOREIGN KEY ("author_id") REFERENCES "analyst" ("id")
      )`);
    await q.query(`CREATE INDEX "note_tip_idx" ON "note" ("tip_id", "created_at")`);

    await q.query(`ALTER TABLE "tip" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "tip" ADD "updated_at" timestamptz`);
    await q.query(
      `ALTER TABLE "tip" ADD CONSTRAINT "tip_assignee_fkey" FOREIGN KEY ("assignee_id") REFERENCES "analyst" ("id") ON DELETE SET NULL`,
    );
    // Keyset pagination: each sort order has an index ending in the tie-breaker id.
    await q.query(`CREATE INDEX "tip_received_idx" ON "tip" ("received_at" DESC, "id" DESC)`);
    await q.query(
      `CREATE INDEX "tip_priority_received_idx" ON "tip" ("priority", "received_at" DESC, "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "tip_status_received_idx" ON "tip" ("status", "received_at" DESC, "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "tip_assignee_received_idx" ON "tip" ("assignee_id", "received_at" DESC, "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "tip_category_received_idx" ON "tip" ("category", "received_at" DESC, "id" DESC)`,
    );
    await q.query(`CREATE INDEX "tip_tags_idx" ON "tip" USING gin ("tags")`);

    await q.query(`
      CREATE TABLE "audit_event" (
        "id" bigserial NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "actor_id" uuid,
        "actor_username" text,
        "actor_role" text,
        "action" text NOT NULL,
        "target_type" text,
        "target_id" text,
        "ip" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "prev_hash" bytea NOT NULL,
        "hash" bytea NOT NULL,
        CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "audit_event_target_idx" ON "audit_event" ("target_type", "target_id", "id")`,
    );
    // Append-only: the application cannot rewrite history.
    await q.query(`
      CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER "audit_event_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_event"
      FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"()`);
    await q.query(`
      CREATE TRIGGER "audit_event_no_truncate" BEFORE TRUNCATE ON "audit_event"
      FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_event"`);
    await q.query(`DROP FUNCTION "audit_event_append_only"()`);
    await q.query(`DROP INDEX "tip_tags_idx"`);
    await q.query(`DROP INDEX "tip_category_received_idx"`);
    await q.query(`DROP INDEX "tip_assignee_received_idx"`);
    await q.query(`DROP INDEX "tip_status_received_idx"`);
    await q.query(`DROP INDEX "tip_priority_received_idx"`);
    await q.query(`DROP INDEX "tip_received_idx"`);
    await q.query(`ALTER TABLE "tip" DROP CONSTRAINT "tip_assignee_fkey"`);
    await q.query(`ALTER TABLE "tip" DROP COLUMN "updated_at"`);
    await q.query(`ALTER TABLE "tip" DROP COLUMN "version"`);
    await q.query(`DROP TABLE "note"`);
    await q.query(`DROP TABLE "intake_key"`);
    await q.query(`DROP TABLE "session"`);
    await q.query(`DROP TABLE "analyst"`);
  }
}
