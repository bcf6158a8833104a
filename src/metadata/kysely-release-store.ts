/**
 * @module
 * The release store over Kysely (SQLite or PostgreSQL; migration
 * 0007_releases). There is no update: a stored release never changes.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database, ReleasesTable } from "./database-schema.ts";
import type { ReleaseImage, ReleaseRow, ReleaseStore } from "./releases-metadata.ts";

function toRelease(row: Selectable<ReleasesTable>): ReleaseRow {
  return {
    id: Number(row.id),
    appSlug: row.app_slug,
    version: row.version,
    channels: JSON.parse(row.channels) as string[],
    images: JSON.parse(row.images) as ReleaseImage[],
    createdAt: Number(row.created_at),
  };
}

/** Creates the release store. */
export function createReleaseStore(db: Kysely<Database>): ReleaseStore {
  return {
    async createRelease(release) {
      const row = await db
        .insertInto("releases")
        .values({
          app_slug: release.appSlug,
          version: release.version,
          channels: JSON.stringify(release.channels),
          images: JSON.stringify(release.images),
          created_at: release.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRelease(row);
    },
    async findRelease(appSlug, version) {
      const row = await db
        .selectFrom("releases")
        .selectAll()
        .where("app_slug", "=", appSlug)
        .where("version", "=", version)
        .executeTakeFirst();
      return row ? toRelease(row) : undefined;
    },
    async listReleases(appSlug) {
      const rows = await db.selectFrom("releases").selectAll().where("app_slug", "=", appSlug).orderBy("id").execute();
      return rows.map(toRelease);
    },
  };
}
