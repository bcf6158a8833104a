/**
 * @module
 * The webhook schema (migration 0013). `webhooks`: an organization's
 * endpoints, the signing secret sealed under the master key and bound to the
 * row's id (`key_version` repeats the ciphertext's version so a rotation
 * finds stale rows by index). `webhook_deliveries`: one event for one
 * endpoint — the signed body as sent, its state and the next retry time, so
 * a restart resumes pending retries; `webhook_id` is null for the
 * instance-wide endpoints of the configuration file. `webhook_attempts`: every
 * try of a delivery (the delivery log). `webhook_cursors`: named progress
 * marks (the license-expiry watch), advanced by compare-and-set so only one
 * node acts. Portable types only.
 */
import type { Kysely, Migration } from "kysely";

/** Creates the tables; `down` drops them. */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("webhooks")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("repositories", "text", (c) => c.notNull())
      .addColumn("secret_ciphertext", "text", (c) => c.notNull())
      .addColumn("key_version", "integer", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("webhooks_org").on("webhooks").column("org_id").execute();
    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("webhook_id", "integer", (c) => c.references("webhooks.id").onDelete("cascade"))
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "bigint")
      .addColumn("claimed_until", "bigint")
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("last_duration_ms", "integer")
      .addColumn("redelivery_of", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_due")
      .on("webhook_deliveries")
      .columns(["state", "next_attempt_at"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_hook")
      .on("webhook_deliveries")
      .columns(["webhook_id", "created_at"])
      .execute();
    await db.schema
      .createTable("webhook_attempts")
      .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("status_code", "integer")
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addColumn("error", "text")
      .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
      .execute();
    await db.schema
      .createTable("webhook_cursors")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("value", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["webhook_cursors", "webhook_attempts", "webhook_deliveries", "webhooks"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
