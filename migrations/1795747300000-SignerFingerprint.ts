import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `tip.signature` held the verified partner signer's key fingerprint, not a signature. */
export class SignerFingerprint1795747300000 implements MigrationInterface {
  name = 'SignerFingerprint1795747300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tip" RENAME COLUMN "signature" TO "signer_fingerprint"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tip" RENAME COLUMN "signer_fingerprint" TO "signature"`);
  }
}
