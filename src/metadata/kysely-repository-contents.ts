/**
 * @module
 * Repository listings over Kysely, for SQLite and PostgreSQL alike. A
 * namespace's repositories are a range scan on the unique name index
 * (`ns` itself, then `ns/` up to `ns0`, '0' being the character after '/').
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { RepositoryContents } from "./repository-contents.ts";

const chunkSize = 500;

/** Creates the Kysely-backed repository listings. */
export function createRepositoryContents(db: Kysely<Database>): RepositoryContents {
  async function idOf(name: string): Promise<number | undefined> {
    const row = await db.selectFrom("repositories").select("id").where("name", "=", name).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  return {
    async summaries(namespace, limit) {
      let query = db
        .selectFrom("repositories as r")
        .select((e) => [
          "r.name",
          "r.created_at",
          e
            .selectFrom("tags as t")
            .whereRef("t.repository_id", "=", "r.id")
            .select((s) => s.fn.countAll<number>().as("n"))
            .as("tags"),
          e
            .selectFrom("manifests as m")
            .whereRef("m.repository_id", "=", "r.id")
            .select((s) => s.fn.countAll<number>().as("n"))
            .as("manifests"),
          e
            .selectFrom("tags as t")
            .whereRef("t.repository_id", "=", "r.id")
            .select((s) => s.fn.max("t.updated_at").as("at"))
            .as("tagged"),
          e
            .selectFrom("manifests as m")
            .whereRef("m.repository_id", "=", "r.id")
            .select((s) => s.fn.max("m.created_at").as("at"))
            .as("pushed"),
          // Each linked blob once (a link is unique per repository and digest).
          e
            .selectFrom("repository_blobs as l")
            .innerJoin("blobs as b", "b.digest", "l.digest")
            .whereRef("l.repository_id", "=", "r.id")
            .select((s) => s.fn.sum<number>("b.size").as("n"))
            .as("bytes"),
        ])
        .orderBy("r.name")
        .limit(limit);
      if (namespace !== undefined) {
        query = query.where((e) =>
          e.or([
            e("r.name", "=", namespace),
            e.and([e("r.name", ">", `${namespace}/`), e("r.name", "<", `${namespace}0`)]),
          ]),
        );
      }
      const rows = await query.execute();
      return rows.map((r) => {
        const times = [r.tagged, r.pushed].filter((t) => t !== null && t !== undefined).map(Number);
        return {
          name: r.name,
          tags: Number(r.tags ?? 0),
          manifests: Number(r.manifests ?? 0),
          bytes: Number(r.bytes ?? 0),
          createdAt: Number(r.created_at),
          pushedAt: times.length > 0 ? Math.max(...times) : null,
        };
      });
    },
    async tagDetails(repository, limit) {
      const id = await idOf(repository);
      if (id === undefined) return undefined;
      const rows = await db
        .selectFrom("tags as t")
        .innerJoin("manifests as m", (j) =>
          j.onRef("m.repository_id", "=", "t.repository_id").onRef("m.digest", "=", "t.manifest_digest"),
        )
        .select(["t.name", "t.updated_at", "m.digest", "m.media_type", "m.size", "m.content"])
        .where("t.repository_id", "=", id)
        .orderBy("t.name")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        tag: r.name,
        pushedAt: Number(r.updated_at),
        digest: r.digest,
        mediaType: r.media_type,
        size: Number(r.size),
        content: r.content,
      }));
    },
    async manifests(repository, digests) {
      const id = await idOf(repository);
      if (id === undefined || digests.length === 0) return [];
      const found = [];
      for (let at = 0; at < digests.length; at += chunkSize) {
        const rows = await db
          .selectFrom("manifests")
          .select(["digest", "media_type", "size", "content"])
          .where("repository_id", "=", id)
          .where("digest", "in", digests.slice(at, at + chunkSize))
          .execute();
        found.push(
          ...rows.map((r) => ({ digest: r.digest, mediaType: r.media_type, size: Number(r.size), content: r.content })),
        );
      }
      return found;
    },
  };
}
