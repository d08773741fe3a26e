import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two people for anything that opens content: an intake key added through
 * the API and a content role (analyst, lead) granted through it take effect
 * only once a second, different staff member approves. What exists today
 * was set up before the rule and counts as approved.
 */
export class TwoPersonApprovals1795747131000 implements MigrationInterface {
  name = 'TwoPersonApprovals1795747131000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "intake_key" ADD "approved_by" uuid`);
    await q.query(`ALTER TABLE "intake_key" ADD "approved_at" timestamptz`);
    await q.query(
      `ALTER TABLE "intake_key" ADD CONSTRAINT "intake_key_approved_by_fkey" FOREIGN KEY ("approved_by") REFERENCES "analyst" ("id")`,
    );
    await q.query(`UPDATE "intake_key" SET "approved_at" = "added_at"`);

    await q.query(`ALTER TABLE "analyst" ADD "role_requested_by" uuid`);
    await q.query(`ALTER TABLE "analyst" ADD "role_requested_at" timestamptz`);
    await q.query(`ALTER TABLE "analyst" ADD "role_approved_by" uuid`);
    await q.query(`ALTER TABLE "analyst" ADD "role_approved_at" timestamptz`);
    await q.query(
      `ALTER TABLE "analyst" ADD CONSTRAINT "analyst_role_requested_by_fkey" FOREIGN KEY ("role_requested_by") REFERENCES "analyst" ("id")`,
    );
    await q.query(
      `ALTER TABLE "analyst" ADD CONSTRAINT "analyst_role_approved_by_fkey" FOREIGN KEY ("role_approved_by") REFERENCES "analyst" ("id")`,
    );
    await q.query(`UPDATE "analyst" SET "role_approved_at" = "created_at"`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Pending grants and keys would take effect under the old schema: withdraw them first.
    await q.query(
      `UPDATE "intake_key" SET "retired_at" = now() WHERE "approved_at" IS NULL AND "retired_at" IS NULL`,
    );
    await q.query(
      `UPDATE "analyst" SET "disabled_at" = now() WHERE "role_approved_at" IS NULL AND "disabled_at" IS NULL`,
    );
    await q.query(`ALTER TABLE "analyst" DROP CONSTRAINT "analyst_role_approved_by_fkey"`);
    await q.query(`ALTER TABLE "analyst" DROP CONSTRAINT "analyst_role_requested_by_fkey"`);
    await q.query(`ALTER TABLE "analyst" DROP COLUMN "role_approved_at"`);
    await q.query(`ALTER TABLE "analyst" DROP COLUMN "role_approved_by"`);
    await q.query(`ALTER TABLE "analyst" DROP COLUMN "role_requested_at"`);
    await q.query(`ALTER TABLE "analyst" DROP COLUMN "role_requested_by"`);
    await q.query(`ALTER TABLE "intake_key" DROP CONSTRAINT "intake_key_approved_by_fkey"`);
    await q.query(`ALTER TABLE "intake_key" DROP COLUMN "approved_at"`);
    await q.query(`ALTER TABLE "intake_key" DROP COLUMN "approved_by"`);
  }
}
