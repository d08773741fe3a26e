import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FollowUpsAttachments1795744000000 implements MigrationInterface {
  name = 'FollowUpsAttachments1795744000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tip" ADD "allow_replies" boolean NOT NULL DEFAULT false`);
    // X25519 public key for replies, and its private half wrapped under a receipt-derived key.
    await q.query(`ALTER TABLE "tip" ADD "submitter_public_key" bytea`);
    await q.query(`ALTER TABLE "tip" ADD "submitter_wrapped_key" bytea`);

    await q.query(`
      CREATE TABLE "message" (
        "id" uuid NOT NULL,
        "seq" bigint GENERATED ALWAYS AS IDENTITY,
        "tip_id" uuid NOT NULL,
        "direction" text NOT NULL,
        "author_id" uuid,
        "created_at" timestamptz NOT NULL,
        "body" bytea NOT NULL,
        "key_fingerprints" text array NOT NULL,
        "submitter_sealed" bytea,
        "attachment_count" integer NOT NULL DEFAULT 0,
        CONSTRAINT "message_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "message_tip_fkey" FOREIGN KEY ("tip_id") REFERENCES "tip" ("id") ON DELETE CASCADE,
        CONSTRAINT "message_author_fkey" FOREIGN KEY ("author_id") REFERENCES "analyst" ("id"),
        CONSTRAINT "message_direction_check" CHECK (
          ("direction" = 'submitter' AND "author_id" IS NULL) OR ("direction" = 'analyst' AND "author_id" IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX "message_tip_idx" ON "message" ("tip_id", "seq")`);

    await q.query(`
      CREATE TABLE "attachment" (
        "id" uuid NOT NULL,
        "tip_id" uuid NOT NULL,
        "message_id" uuid,
        "n" integer NOT NULL,
        "created_at" timestamptz NOT NULL,
        "ciphertext_bytes" bigint NOT NULL,
        "chunk_count" integer NOT NULL,
        "key_fingerprints" text array NOT NULL,
        CONSTRAINT "attachment_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "attachment_tip_fkey" FOREIGN KEY ("tip_id") REFERENCES "tip" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT "attachment_message_fkey" FOREIGN KEY ("message_id") REFERENCES "message" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`);
    await q.query(`CREATE UNIQUE INDEX "attachment_tip_n_key" ON "attachment" ("tip_id", "n")`);

    await q.query(`
      CREATE TABLE "attachment_chunk" (
        "attachment_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "data" bytea NOT NULL,
        CONSTRAINT "attachment_chunk_pkey" PRIMARY KEY ("attachment_id", "seq"),
        CONSTRAINT "attachment_chunk_attachment_fkey" FOREIGN KEY ("attachment_id") REFERENCES "attachment" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`);
    // Ciphertext does not compress: skip TOAST compression attempts.
    await q.query(`ALTER TABLE "attachment_chunk" ALTER COLUMN "data" SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "attachment_chunk"`);
    await q.query(`DROP TABLE "attachment"`);
    await q.query(`DROP TABLE "message"`);
    await q.query(`ALTER TABLE "tip" DROP COLUMN "submitter_wrapped_key"`);
    await q.query(`ALTER TABLE "tip" DROP COLUMN "submitter_public_key"`);
    await q.query(`ALTER TABLE "tip" DROP COLUMN "allow_replies"`);
  }
}
