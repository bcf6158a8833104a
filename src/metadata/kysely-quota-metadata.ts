/**
 * @module
 * Namespace quotas over Kysely. A namespace's repositories are the names in
 * the range [`ns/`, `ns0`) (`0` follows `/`), which both databases answer
 * from the name index.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import { queryTemplate } from "./query-template.ts";
import type { QuotaMetadata, QuotaRow } from "./quota-metadata.ts";

function toRow(row: {
  namespace: string;
  max_bytes: number | string;
  warn_percent: number | string | null;
  warned_at: number | string | null;
}): QuotaRow {
  return {
    namespace: row.namespace,
    maxBytes: Number(row.max_bytes),
    warnPercent: row.warn_percent === null ? undefined : Number(row.warn_percent),
    warnedAt: row.warned_at === null ? undefined : Number(row.warned_at),
  };
}

/** Creates the quota store over `db`; `now` stamps changes. */
export function createQuotaMetadata(db: Kysely<Database>, now: () => number = Date.now): QuotaMetadata {
  const linked = (namespace: string) =>
    db
      .selectFrom("repository_blobs as l")
      .innerJoin("repositories as r", "r.id", "l.repository_id")
      .select("l.digest")
      .where("r.name", ">=", `${namespace}/`)
      .where("r.name", "<", `${namespace}0`);
  const namespaceMark = "\u0000namespace";
  const quotaOf = queryTemplate(
    db.selectFrom("namespace_quotas").selectAll().where("namespace", "=", namespaceMark).compile(),
    [namespaceMark],
  );
  return {
    async limit(namespace) {
      const row = await db
        .selectFrom("namespace_quotas")
        .select("max_bytes")
        .where("namespace", "=", namespace)
        .executeTakeFirst();
      return row ? Number(row.max_bytes) : undefined;
    },
    async limits() {
      const rows = await db.selectFrom("namespace_quotas").selectAll().orderBy("namespace").execute();
      return rows.map(toRow);
    },
    async quota(namespace) {
      // Asked on every blob push: compiled once.
      const row = (await db.executeQuery(quotaOf(namespace))).rows[0];
      return row ? toRow(row) : undefined;
    },
    async setLimit(namespace, maxBytes, warnPercent) {
      const updated = now();
      const warn = warnPercent === undefined ? {} : { warn_percent: warnPercent };
      await db
        .insertInto("namespace_quotas")
        .values({ namespace, max_bytes: maxBytes, updated_at: updated, ...warn })
        .onConflict((c) => c.column("namespace").doUpdateSet({ max_bytes: maxBytes, updated_at: updated, ...warn }))
        .execute();
    },
    async markWarned(namespace, at) {
      const result = await db
        .updateTable("namespace_quotas")
        .set({ warned_at: at ?? null })
        .where("namespace", "=", namespace)
        .where("warned_at", at === undefined ? "is not" : "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async removeLimit(namespace) {
      const result = await db.deleteFrom("namespace_quotas").where("namespace", "=", namespace).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async usage(namespace) {
      const row = await db
        .selectFrom("blobs")
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), eb.lit(0)).as("bytes"))
        .where("digest", "in", linked(namespace))
        .executeTakeFirst();
      return Number(row?.bytes ?? 0);
    },
    async holds(namespace, digest) {
      const row = await linked(namespace).where("l.digest", "=", digest).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}
