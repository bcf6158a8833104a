/**
 * @module
 * Tag pull times over Kysely: one transaction per batch, one UPDATE per
 * distinct tag in it (the recorder has already kept only the latest pull of
 * each). The time only moves forward, so batches written out of order do
 * no harm. The UPDATE is compiled once: a busy registry writes hundreds of
 * these a second, and building the query each time cost more than running it.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { TagPullStore } from "./gc-metadata.ts";

/** Stand-ins compiled into the statement, found again among its parameters. */
const atMark = -7_777_777;
const repositoryMark = "\u0000repository";
const tagMark = "\u0000tag";

/** Creates the store over `db`. */
export function createTagPullStore(db: Kysely<Database>): TagPullStore {
  const compiled = db
    .updateTable("tags")
    .set({ pulled_at: atMark })
    .where("repository_id", "=", (eb) => eb.selectFrom("repositories").select("id").where("name", "=", repositoryMark))
    .where("name", "=", tagMark)
    .where((eb) => eb.or([eb("pulled_at", "is", null), eb("pulled_at", "<", atMark)]))
    .compile();
  const slots = compiled.parameters;
  return {
    async recordTagPulls(pulls) {
      if (pulls.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const pull of pulls) {
          const values: Record<string, unknown> = {
            [atMark]: pull.at,
            [repositoryMark]: pull.repository,
            [tagMark]: pull.tag,
          };
          await tx.executeQuery({ ...compiled, parameters: slots.map((slot) => values[String(slot)]) });
        }
      });
    },
  };
}
