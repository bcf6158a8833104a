/**
 * @module
 * The garbage collector's database port over Kysely (SQLite and
 * PostgreSQL). See gc-metadata.ts for the contract and src/gc/ for why each
 * delete rechecks its condition in the same statement.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { GcBlob, GcMetadata } from "./gc-metadata.ts";
import type { ReleaseImage } from "./releases-metadata.ts";

const chunkSize = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += chunkSize) out.push(items.slice(at, at + chunkSize));
  return out;
}

function toBlob(row: { digest: string; size: number | string; links?: number | string | bigint }): GcBlob {
  return { digest: row.digest, size: Number(row.size), links: Number(row.links ?? 0) };
}

/** Creates the collector's port over `db`. */
export function createGcMetadata(db: Kysely<Database>): GcMetadata {
  return {
    async repositories(after, limit) {
      const rows = await db
        .selectFrom("repositories")
        .select(["id", "name"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: Number(r.id), name: r.name }));
    },
    async contents(repositoryId) {
      const manifests = await db
        .selectFrom("manifests")
        .select(["digest", "media_type", "size", "content", "subject_digest", "last_referenced_at"])
        .where("repository_id", "=", repositoryId)
        .execute();
      const tags = await db
        .selectFrom("tags")
        .select(["name", "manifest_digest", "updated_at", "pulled_at"])
        .where("repository_id", "=", repositoryId)
        .execute();
      return {
        manifests: manifests.map((m) => ({
          digest: m.digest,
          mediaType: m.media_type,
          size: Number(m.size),
          content: m.content,
          subjectDigest: m.subject_digest ?? undefined,
          lastReferencedAt: Number(m.last_referenced_at),
        })),
        tags: tags.map((t) => ({
          name: t.name,
          digest: t.manifest_digest,
          updatedAt: Number(t.updated_at),
          pulledAt: t.pulled_at === null ? undefined : Number(t.pulled_at),
        })),
      };
    },
    async links(repositoryId) {
      const rows = await db
        .selectFrom("repository_blobs")
        .select(["digest", "last_referenced_at"])
        .where("repository_id", "=", repositoryId)
        .execute();
      return rows.map((r) => ({ digest: r.digest, lastReferencedAt: Number(r.last_referenced_at) }));
    },
    async deleteTags(repositoryId, tags) {
      let deleted = 0;
      for (const tag of tags) {
        const result = await db
          .deleteFrom("tags")
          .where("repository_id", "=", repositoryId)
          .where("name", "=", tag.name)
          .where("manifest_digest", "=", tag.digest)
          .where("updated_at", "=", tag.updatedAt)
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },
    async deleteManifests(repositoryId, digests, cutoff) {
      let deleted = 0;
      for (const part of chunks(digests)) {
        const result = await db
          .deleteFrom("manifests")
          .where("repository_id", "=", repositoryId)
          .where("digest", "in", part)
          .where("last_referenced_at", "<", cutoff)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("tags as t")
                  .select("t.name")
                  .where("t.repository_id", "=", repositoryId)
                  .whereRef("t.manifest_digest", "=", "manifests.digest"),
              ),
            ),
          )
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },
    async deleteLinks(repositoryId, digests, cutoff) {
      let deleted = 0;
      for (const part of chunks(digests)) {
        const result = await db
          .deleteFrom("repository_blobs")
          .where("repository_id", "=", repositoryId)
          .where("digest", "in", part)
          .where("last_referenced_at", "<", cutoff)
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },
    async staleBlobs(cutoff, after, limit) {
      const rows = await db
        .selectFrom("blobs as b")
        .leftJoin("repository_blobs as l", "l.digest", "b.digest")
        .select(["b.digest", "b.size", (eb) => eb.fn.count<number>("l.digest").as("links")])
        .where("b.last_referenced_at", "<", cutoff)
        .where("b.deleting_at", "is", null)
        .where("b.digest", ">", after)
        .groupBy(["b.digest", "b.size"])
        .orderBy("b.digest")
        .limit(limit)
        .execute();
      return rows.map(toBlob);
    },
    async claimBlobs(digests, cutoff, now) {
      const claimed: GcBlob[] = [];
      for (const part of chunks(digests)) {
        const rows = await db
          .updateTable("blobs")
          .set({ deleting_at: now })
          .where("digest", "in", part)
          .where("last_referenced_at", "<", cutoff)
          .where("deleting_at", "is", null)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(selectFrom("repository_blobs as l").select("l.digest").whereRef("l.digest", "=", "blobs.digest")),
            ),
          )
          .returning(["digest", "size"])
          .execute();
        claimed.push(...rows.map(toBlob));
      }
      return claimed;
    },
    async claimedBlobs(limit) {
      const rows = await db
        .selectFrom("blobs")
        .select(["digest", "size"])
        .where("deleting_at", "is not", null)
        .orderBy("digest")
        .limit(limit)
        .execute();
      return rows.map(toBlob);
    },
    async forgetBlobs(digests) {
      for (const part of chunks(digests)) {
        await db.deleteFrom("blobs").where("digest", "in", part).where("deleting_at", "is not", null).execute();
      }
    },
    async releases(after, limit) {
      const rows = await db
        .selectFrom("releases")
        .select(["id", "app_slug", "images"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        appSlug: r.app_slug,
        images: JSON.parse(r.images) as ReleaseImage[],
      }));
    },
  };
}
