/**
 * @module
 * Immutable tag rules over Kysely (SQLite and PostgreSQL); see
 * immutable-tag-metadata.ts for the contract.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { ImmutableTagMetadata } from "./immutable-tag-metadata.ts";
import { listMarks, type QueryTemplate, queryTemplate } from "./query-template.ts";

interface RuleRow {
  target: string;
  pattern: string;
  created_at: number | string | bigint;
}

/** Creates the rules' store over `db`; `now` stamps new rules. */
export function createImmutableTagMetadata(db: Kysely<Database>, now: () => number = Date.now): ImmutableTagMetadata {
  const allRules = () =>
    db
      .selectFrom("immutable_tag_rules")
      .select(["target", "pattern", "created_at"])
      .orderBy("target")
      .orderBy("pattern");
  // Every tag push asks for the rules of its namespace and repository: one or two targets, compiled once.
  const byTargets = [1, 2].reduce<Record<number, QueryTemplate<RuleRow>>>((templates, count) => {
    const marks = listMarks(count, "target");
    templates[count] = queryTemplate(allRules().where("target", "in", marks).compile(), marks);
    return templates;
  }, {});
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
      const template = targets === undefined ? undefined : byTargets[targets.length];
      const rows = template
        ? (await db.executeQuery(template(...targets!))).rows
        : await (targets === undefined ? allRules() : allRules().where("target", "in", targets)).execute();
      return rows.map((r) => ({ target: r.target, pattern: r.pattern, createdAt: Number(r.created_at) }));
    },
  };
}
