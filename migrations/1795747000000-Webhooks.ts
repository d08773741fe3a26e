import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their deliveries. A delivery row is the outbox: it is
 * written in the transaction of the change it reports, and pg-boss jobs drain
 * it. Bodies hold triage metadata only, never content.
 */
export class Webhooks1795747000000 implements MigrationInterface {
  name = 'Webhooks1795747000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webhook_endpoint" (
      "id" uuid PRIMARY KEY,
      "url" text NOT NULL,
      "description" text,
      "secrets" bytea NOT NULL,
      "event_types" text[] NOT NULL,
      "format" text NOT NULL CHECK (format IN ('thin', 'summary', 'slack')),
      "min_priority" smallint CHECK (min_priority BETWEEN 1 AND 4),
      "enabled" boolean NOT NULL DEFAULT true,
      "disabled_reason" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE "webhook_delivery" (
      "id" uuid PRIMARY KEY,
      "message_id" text NOT NULL,
      "endpoint_id" uuid NOT NULL REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE,
      "event_type" text NOT NULL,
      "body" text NOT NULL,
      "status" text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
      "attempts" integer NOT NULL DEFAULT 0,
      "last_status_code" integer,
      "last_error" text,
      "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
      "lease_until" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
      "delivered_at" timestamptz
    )`);
    await q.query(
      `CREATE INDEX "webhook_delivery_queue_idx" ON "webhook_delivery" ("endpoint_id", "created_at", "id") WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id", "created_at" DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP TABLE "webhook_endpoint"`);
  }
}
