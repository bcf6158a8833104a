/**
 * @module
 * Tag pull times over Kysely: one transaction per batch, one UPDATE per
 * distinct tag in it (the recorder has already kept only the latest pull of
 * each). The time only moves forward, so batches written out of order do
 * no harm. The UPDATE is compiled once (query-template.ts).
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { TagPullStore } from "./gc-metadata.ts";
import { queryTemplate } from "./query-template.ts";

const atMark = -7_777_001;
const repositoryMark = "\u0000repository";
const tagMark = "\u0000tag";

/** Creates the store over `db`. */
export function createTagPullStore(db: Kysely<Database>): TagPullStore {
  const update = queryTemplate(
    db
      .updateTable("tags")
      .set({ pulled_at: atMark })
      .where("repository_id", "=", (eb) =>
        eb.selectFrom("repositories").select("id").where("name", "=", repositoryMark),
      )
      .where("name", "=", tagMark)
      .where((eb) => eb.or([eb("pulled_at", "is", null), eb("pulled_at", "<", atMark)]))
      .compile(),
    [atMark, repositoryMark, tagMark],
  );
  return {
    async recordTagPulls(pulls) {
      if (pulls.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const pull of pulls) await tx.executeQuery(update(pull.at, pull.repository, pull.tag));
      });
    },
  };
}
