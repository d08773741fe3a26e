import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partner's tips per UTC day as one counter row: the quota check was a
 * count(*) over the day's tips, whose cost grew with every tip that day.
 */
export class PartnerDailyTips1795747200000 implements MigrationInterface {
  name = 'PartnerDailyTips1795747200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "partner_daily_tips" (
      "partner_id" uuid NOT NULL REFERENCES "partner" ("id") ON DELETE CASCADE,
      "day" date NOT NULL,
      "tips" integer NOT NULL CHECK ("tips" >= 0),
      PRIMARY KEY ("partner_id", "day")
    )`);
    await q.query(`INSERT INTO "partner_daily_tips" ("partner_id", "day", "tips")
      SELECT "partner_id", ("received_at" AT TIME ZONE 'UTC')::date, count(*)
        FROM "tip" WHERE "partner_id" IS NOT NULL
       GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "partner_daily_tips"`);
  }
}
