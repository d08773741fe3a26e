import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads are staged: an attachment row without a tip (and its chunks) is
 * written by short autocommit statements while the body arrives, and adopted
 * by the tip's (or message's) transaction. `staged_at` is the last time a
 * staged upload made progress; the cleanup job removes stale ones.
 */
export class StagedAttachments1795747130000 implements MigrationInterface {
  name = 'StagedAttachments1795747130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attachment" ALTER COLUMN "tip_id" DROP NOT NULL`);
    await q.query(`ALTER TABLE "attachment" ALTER COLUMN "n" DROP NOT NULL`);
    await q.query(`ALTER TABLE "attachment" ADD "staged_at" timestamptz`);
    await q.query(
      `ALTER TABLE "attachment" ADD CONSTRAINT "attachment_staged_check" CHECK (
        ("tip_id" IS NULL AND "n" IS NULL AND "staged_at" IS NOT NULL) OR
        ("tip_id" IS NOT NULL AND "n" IS NOT NULL AND "staged_at" IS NULL))`,
    );
    await q.query(
      `CREATE INDEX "attachment_staged_idx" ON "attachment" ("staged_at") WHERE "tip_id" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Staged uploads never became part of a tip: they cannot survive the stricter schema.
    await q.query(`DELETE FROM "attachment" WHERE "tip_id" IS NULL`);
    await q.query(`DROP INDEX "attachment_staged_idx"`);
    await q.query(`ALTER TABLE "attachment" DROP CONSTRAINT "attachment_staged_check"`);
    await q.query(`ALTER TABLE "attachment" DROP COLUMN "staged_at"`);
    await q.query(`ALTER TABLE "attachment" ALTER COLUMN "n" SET NOT NULL`);
    await q.query(`ALTER TABLE "attachment" ALTER COLUMN "tip_id" SET NOT NULL`);
  }
}
