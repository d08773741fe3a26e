import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795741263602 implements MigrationInterface {
  name = 'InitialSchema1795741263602';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tip" (
        "id" uuid NOT NULL,
        "reference" text NOT NULL,
        "channel" text NOT NULL,
        "partner_id" uuid,
        "category" text NOT NULL,
        "submitter_urgency" text NOT NULL,
        "received_at" timestamptz NOT NULL,
        "status" text NOT NULL DEFAULT 'new',
        "priority" smallint NOT NULL,
        "severity" smallint,
        "tlp" text NOT NULL DEFAULT 'amber',
        "confidence" smallint,
        "tags" text array NOT NULL DEFAULT '{}',
        "assignee_id" uuid,
        "duplicate_of" uuid,
        "legal_hold" boolean NOT NULL DEFAULT false,
        "purge_after" timestamptz,
        "payload_bytes" integer NOT NULL,
        "attachment_count" integer NOT NULL DEFAULT 0,
        "key_fingerprints" text array NOT NULL,
        "signature" text,
        "source_ref" text,
        "receipt_hash" bytea,
        "payload" bytea NOT NULL,
        CONSTRAINT "tip_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "tip_duplicate_of_fkey" FOREIGN KEY ("duplicate_of") REFERENCES "tip" ("id") ON DELETE SET NULL,
        CONSTRAINT "tip_channel_check" CHECK ("channel" IN ('public', 'partner')),
        CONSTRAINT "tip_partner_channel_check" CHECK (("channel" = 'partner') = ("partner_id" IS NOT NULL)),
        CONSTRAINT "tip_category_check" CHECK ("category" IN ('terrorism', 'espionage', 'foreign-interference', 'cyber', 'proliferation', 'other')),
        CONSTRAINT "tip_submitter_urgency_check" CHECK ("submitter_urgency" IN ('immediate-danger', 'days', 'weeks', 'unknown')),
        CONSTRAINT "tip_status_check" CHECK ("status" IN ('new', 'triaging', 'escalated', 'actioned', 'no_action', 'closed', 'duplicate')),
        CONSTRAINT "tip_priority_check" CHECK ("priority" BETWEEN 1 AND 4),
        CONSTRAINT "tip_severity_check" CHECK ("severity" BETWEEN 1 AND 4),
        CONSTRAINT "tip_tlp_check" CHECK ("tlp" IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
        CONSTRAINT "tip_confidence_check" CHECK ("confidence" BETWEEN 0 AND 100),
        CONSTRAINT "tip_key_fingerprints_check" CHECK (cardinality("key_fingerprints") > 0),
        CONSTRAINT "tip_public_minute_check" CHECK ("channel" <> 'public' OR mod(extract(epoch FROM "received_at"), 60) = 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX "tip_reference_key" ON "tip" ("reference")`);
    await q.query(
      `CREATE UNIQUE INDEX "tip_receipt_hash_key" ON "tip" ("receipt_hash") WHERE receipt_hash IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "tip_partner_source_ref_key" ON "tip" ("partner_id", "source_ref") WHERE source_ref IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tip"`);
  }
}
