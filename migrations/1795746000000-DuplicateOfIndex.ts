import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deleting a tip (retention) checks tip.duplicate_of: without an index each delete scans the table. */
export class DuplicateOfIndex1795746000000 implements MigrationInterface {
  name = 'DuplicateOfIndex1795746000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "tip_duplicate_of_idx" ON "tip" ("duplicate_of") WHERE duplicate_of IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tip_duplicate_of_idx"`);
  }
}
