/**
 * @module
 * The webhook stores over Kysely (SQLite or PostgreSQL), the schema of
 * migration 0013. A webhook's ciphertext is written in the transaction that
 * creates the row, because the id is part of what it is bound to. A
 * delivery is claimed with one conditional UPDATE, so on several nodes only
 * one sends it; a claim expires, so a delivery a crashed node held is tried
 * again.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database, WebhookDeliveriesTable, WebhooksTable } from "./database-schema.ts";
import type { DeliveryRow, DeliveryState, DeliveryStore, WebhookRow, WebhookStore } from "./webhooks-metadata.ts";

const nullable = (value: number | string | null) => (value === null ? null : Number(value));

function toWebhook(row: Selectable<WebhooksTable>): WebhookRow {
  return {
    id: Number(row.id),
    orgId: Number(row.org_id),
    url: row.url,
    events: JSON.parse(row.events) as string[],
    repositories: row.repositories,
    createdBy: row.created_by,
    ciphertext: row.secret_ciphertext,
    keyVersion: Number(row.key_version),
    createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): DeliveryRow {
  return {
    id: row.id,
    webhookId: nullable(row.webhook_id),
    url: row.url,
    event: row.event,
    body: row.body,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: nullable(row.next_attempt_at),
    lastStatus: nullable(row.last_status),
    lastError: row.last_error,
    lastDurationMs: nullable(row.last_duration_ms),
    redeliveryOf: row.redelivery_of,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Creates the webhook and delivery stores over `db`. */
export function createWebhookStore(db: Kysely<Database>): WebhookStore & DeliveryStore {
  const hooks = "webhooks" as const;
  const deliveries = "webhook_deliveries" as const;
  return {
    async createWebhook(orgId, fields, seal, at) {
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto(hooks)
          .values({
            org_id: orgId,
            url: fields.url,
            events: JSON.stringify(fields.events),
            repositories: fields.repositories,
            created_by: fields.createdBy,
            secret_ciphertext: "",
            key_version: 0,
            created_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const sealed = seal(Number(inserted.id));
        return trx
          .updateTable(hooks)
          .set({ secret_ciphertext: sealed.ciphertext, key_version: sealed.keyVersion })
          .where("id", "=", inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return toWebhook(row);
    },
    async findWebhook(id) {
      const row = await db.selectFrom(hooks).selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toWebhook(row) : undefined;
    },
    async listWebhooks(orgId) {
      const rows = await db.selectFrom(hooks).selectAll().where("org_id", "=", orgId).orderBy("id").execute();
      return rows.map(toWebhook);
    },
    async webhooksFor(event) {
      // Few rows per instance; the JSON list is filtered here to stay portable.
      const rows = await db.selectFrom(hooks).selectAll().orderBy("id").execute();
      return rows.map(toWebhook).filter((w) => w.events.includes(event));
    },
    async deleteWebhook(id) {
      const result = await db.deleteFrom(hooks).where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async staleWebhooks(currentVersion, afterId, limit) {
      const rows = await db
        .selectFrom(hooks)
        .selectAll()
        .where("key_version", "<>", currentVersion)
        .where("id", ">", afterId)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(toWebhook);
    },
    async replaceWebhookCiphertext(id, expected, sealed) {
      const result = await db
        .updateTable(hooks)
        .set({ secret_ciphertext: sealed.ciphertext, key_version: sealed.keyVersion })
        .where("id", "=", id)
        .where("secret_ciphertext", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async enqueueDelivery(d) {
      await db
        .insertInto(deliveries)
        .values({
          id: d.id,
          webhook_id: d.webhookId,
          url: d.url,
          event: d.event,
          body: d.body,
          state: "pending",
          attempts: 0,
          next_attempt_at: d.at,
          claimed_until: null,
          last_status: null,
          last_error: null,
          last_duration_ms: null,
          redelivery_of: d.redeliveryOf ?? null,
          created_at: d.at,
          updated_at: d.at,
        })
        .execute();
    },
    async dueDeliveries(now, limit) {
      const rows = await db
        .selectFrom(deliveries)
        .select("id")
        .where("state", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async claimDelivery(id, now, until) {
      const result = await db
        .updateTable(deliveries)
        .set({ claimed_until: until })
        .where("id", "=", id)
        .where("state", "=", "pending")
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return this.findDelivery(id);
    },
    async recordAttempt(id, attempt, state, nextAttemptAt) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("webhook_attempts")
          .values({
            delivery_id: id,
            attempt: attempt.attempt,
            at: attempt.at,
            status_code: attempt.statusCode,
            duration_ms: attempt.durationMs,
            error: attempt.error,
          })
          .execute();
        await trx
          .updateTable(deliveries)
          .set({
            state,
            attempts: attempt.attempt,
            next_attempt_at: nextAttemptAt,
            claimed_until: null,
            last_status: attempt.statusCode,
            last_error: attempt.error,
            last_duration_ms: attempt.durationMs,
            updated_at: attempt.at,
          })
          .where("id", "=", id)
          .execute();
      });
    },
    async findDelivery(id) {
      const row = await db.selectFrom(deliveries).selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
    async listDeliveries(webhookId, limit) {
      const rows = await db
        .selectFrom(deliveries)
        .selectAll()
        .where("webhook_id", webhookId === null ? "is" : "=", webhookId)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },
    async pruneDeliveries(before, limit) {
      const old = await db
        .selectFrom(deliveries)
        .select("id")
        .where("state", "<>", "pending")
        .where("updated_at", "<", before)
        .limit(limit)
        .execute();
      if (old.length === 0) return 0;
      const ids = old.map((r) => r.id);
      await db.deleteFrom("webhook_attempts").where("delivery_id", "in", ids).execute();
      const result = await db.deleteFrom(deliveries).where("id", "in", ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listAttempts(id) {
      const rows = await db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where("delivery_id", "=", id)
        .orderBy("attempt")
        .execute();
      return rows.map((r) => ({
        attempt: Number(r.attempt),
        at: Number(r.at),
        statusCode: nullable(r.status_code),
        durationMs: Number(r.duration_ms),
        error: r.error,
      }));
    },
    async readCursor(name) {
      const row = await db.selectFrom("webhook_cursors").select("value").where("name", "=", name).executeTakeFirst();
      return row ? Number(row.value) : undefined;
    },
    async moveCursor(name, expected, value) {
      if (expected === undefined) {
        try {
          await db.insertInto("webhook_cursors").values({ name, value }).execute();
          return true;
        } catch {
          return false;
        }
      }
      const result = await db
        .updateTable("webhook_cursors")
        .set({ value })
        .where("name", "=", name)
        .where("value", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
