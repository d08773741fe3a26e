import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AbuseAndRetention1795745000000 implements MigrationInterface {
  name = 'AbuseAndRetention1795745000000';

  async up(q: QueryRunner): Promise<void> {
    // Spent proof-of-work challenges (when no Redis): nonce only, deleted after expiry.
    await q.query(`
      CREATE TABLE "pow_spent" (
        "nonce" text NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pow_spent_pkey" PRIMARY KEY ("nonce")
      )`);
    await q.query(`CREATE INDEX "pow_spent_expires_idx" ON "pow_spent" ("expires_at")`);
    // Counts of purged tips, so closed-tip figures survive retention.
    await q.query(`
      CREATE TABLE "retention_stat" (
        "channel" text NOT NULL,
        "category" text NOT NULL,
        "purged" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "retention_stat_pkey" PRIMARY KEY ("channel", "category")
      )`);
    await q.query(
      `CREATE INDEX "tip_purge_after_idx" ON "tip" ("purge_after") WHERE purge_after IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tip_purge_after_idx"`);
    await q.query(`DROP TABLE "retention_stat"`);
    await q.query(`DROP TABLE "pow_spent"`);
  }
}
