/**
 * @module
 * External registries over Kysely (SQLite or PostgreSQL). The ciphertext is
 * written in the transaction that creates the row, because the row's id is
 * part of what it is bound to; the placeholder inserted first never commits.
 */
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database, ExternalRegistriesTable } from "./database-schema.ts";
import type {
  ExternalRegistryFields,
  ExternalRegistryRow,
  ExternalRegistryStore,
} from "./external-registries-metadata.ts";

function toRegistry(row: Selectable<ExternalRegistriesTable>): ExternalRegistryRow {
  return {
    id: Number(row.id),
    orgId: Number(row.org_id),
    name: row.name,
    host: row.host,
    baseUrl: row.base_url,
    prefix: row.prefix,
    insecure: Number(row.insecure) === 1,
    username: row.username,
    ciphertext: row.password_ciphertext,
    keyVersion: Number(row.key_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns of `fields` that are set. */
function columns(fields: Partial<ExternalRegistryFields> & { name?: string }): Updateable<ExternalRegistriesTable> {
  const set: Updateable<ExternalRegistriesTable> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.host !== undefined) set.host = fields.host;
  if (fields.baseUrl !== undefined) set.base_url = fields.baseUrl;
  if (fields.prefix !== undefined) set.prefix = fields.prefix;
  if (fields.insecure !== undefined) set.insecure = fields.insecure ? 1 : 0;
  if (fields.username !== undefined) set.username = fields.username;
  return set;
}

/** Creates the external-registry store over `db` (the schema of migration 0004). */
export function createExternalRegistryStore(db: Kysely<Database>): ExternalRegistryStore {
  const table = "external_registries" as const;
  const byId = async (id: number) =>
    toRegistry(await db.selectFrom(table).selectAll().where("id", "=", id).executeTakeFirstOrThrow());

  return {
    async createExternalRegistry(orgId, name, fields, seal) {
      const now = Date.now();
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto(table)
          .values({
            org_id: orgId,
            name,
            host: fields.host,
            base_url: fields.baseUrl,
            prefix: fields.prefix,
            insecure: fields.insecure ? 1 : 0,
            username: fields.username,
            password_ciphertext: null,
            key_version: 0,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const sealed = seal?.(Number(inserted.id));
        return trx
          .updateTable(table)
          .set({ password_ciphertext: sealed?.ciphertext ?? null, key_version: sealed?.keyVersion ?? 0 })
          .where("id", "=", inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return toRegistry(row);
    },
    async findExternalRegistry(orgId, name) {
      const row = await db
        .selectFrom(table)
        .selectAll()
        .where("org_id", "=", orgId)
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? toRegistry(row) : undefined;
    },
    async listExternalRegistries(orgId) {
      const rows = await db.selectFrom(table).selectAll().where("org_id", "=", orgId).orderBy("name").execute();
      return rows.map(toRegistry);
    },
    async updateExternalRegistry(id, fields, sealed) {
      const set = columns(fields);
      if (sealed !== undefined) {
        set.password_ciphertext = sealed?.ciphertext ?? null;
        set.key_version = sealed?.keyVersion ?? 0;
      }
      await db
        .updateTable(table)
        .set({ ...set, updated_at: Date.now() })
        .where("id", "=", id)
        .execute();
      return byId(id);
    },
    async deleteExternalRegistry(id) {
      await db.deleteFrom(table).where("id", "=", id).execute();
    },
    async staleExternalRegistries(currentVersion, afterId, limit) {
      const rows = await db
        .selectFrom(table)
        .selectAll()
        .where("key_version", "<>", currentVersion)
        .where("key_version", "<>", 0)
        .where("id", ">", afterId)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(toRegistry);
    },
    async replaceExternalCiphertext(id, expected, sealed) {
      const result = await db
        .updateTable(table)
        .set({ password_ciphertext: sealed.ciphertext, key_version: sealed.keyVersion })
        .where("id", "=", id)
        .where("password_ciphertext", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  } satisfies ExternalRegistryStore;
}
