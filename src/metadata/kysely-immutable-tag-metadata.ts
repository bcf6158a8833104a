/**
 * @module
 * Immutable tag rules over Kysely (SQLite and PostgreSQL); see
 * immutable-tag-metadata.ts for the contract.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { ImmutableTagMetadata } from "./immutable-tag-metadata.ts";

/** Creates the rules' store over `db`; `now` stamps new rules. */
export function createImmutableTagMetadata(db: Kysely<Database>, now: () => number = Date.now): ImmutableTagMetadata {
  return {
    async addRule(target, pattern) {
      const result = await db
        .insertInto("immutable_tag_rules")
        .values({ target, pattern, created_at: now() })
        .onConflict((c) => c.columns(["target", "pattern"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async removeRule(target, pattern) {
      const result = await db
        .deleteFrom("immutable_tag_rules")
        .where("target", "=", target)
        .where("pattern", "=", pattern)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async rules(targets) {
      if (targets !== undefined && targets.length === 0) return [];
      let query = db
        .selectFrom("immutable_tag_rules")
        .select(["target", "pattern", "created_at"])
        .orderBy("target")
        .orderBy("pattern");
      if (targets !== undefined) query = query.where("target", "in", targets);
      const rows = await query.execute();
      return rows.map((r) => ({ target: r.target, pattern: r.pattern, createdAt: Number(r.created_at) }));
    },
  };
}
