/**
 * @module
 * Tag pull times over Kysely: one transaction per batch, one UPDATE per
 * distinct tag in it (the recorder has already kept only the latest pull of
 * each). The time only moves forward, so batches written out of order do
 * no harm.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { TagPullStore } from "./gc-metadata.ts";

/** Creates the store over `db`. */
export function createTagPullStore(db: Kysely<Database>): TagPullStore {
  return {
    async recordTagPulls(pulls) {
      if (pulls.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const pull of pulls) {
          await tx
            .updateTable("tags")
            .set({ pulled_at: pull.at })
            .where("repository_id", "=", (eb) =>
              eb.selectFrom("repositories").select("id").where("name", "=", pull.repository),
            )
            .where("name", "=", pull.tag)
            .where((eb) => eb.or([eb("pulled_at", "is", null), eb("pulled_at", "<", pull.at)]))
            .execute();
        }
      });
    },
  };
}
