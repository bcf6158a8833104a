/**
 * @module
 * Pull secrets over Kysely. The ciphertext is written in the transaction
 * that creates the row, because the row's id is part of what it is bound
 * to; the placeholder inserted first never commits.
 */
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database, DockerSecretsTable } from "./database-schema.ts";
import type { DockerSecretFields, DockerSecretRow, DockerSecretStore } from "./secrets-metadata.ts";

function toSecret(row: Selectable<DockerSecretsTable>): DockerSecretRow {
  return {
    id: Number(row.id),
    orgId: Number(row.org_id),
    name: row.name,
    kind: row.kind,
    registryUrl: row.registry_url,
    registryKey: row.registry_key,
    insecure: Number(row.insecure) === 1,
    credential: row.credential,
    username: row.username,
    email: row.email,
    ciphertext: row.password_ciphertext,
    keyVersion: Number(row.key_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns of `fields` that are set. */
function columns(fields: Partial<DockerSecretFields>): Updateable<DockerSecretsTable> {
  const set: Updateable<DockerSecretsTable> = {};
  if (fields.kind !== undefined) set.kind = fields.kind;
  if (fields.registryUrl !== undefined) set.registry_url = fields.registryUrl;
  if (fields.registryKey !== undefined) set.registry_key = fields.registryKey;
  if (fields.insecure !== undefined) set.insecure = fields.insecure ? 1 : 0;
  if (fields.credential !== undefined) set.credential = fields.credential;
  if (fields.username !== undefined) set.username = fields.username;
  if (fields.email !== undefined) set.email = fields.email;
  return set;
}

/** Creates the pull-secret store for SQLite or PostgreSQL. */
export function createDockerSecretStore(db: Kysely<Database>): DockerSecretStore {
  const byId = async (id: number) =>
    toSecret(await db.selectFrom("docker_secrets").selectAll().where("id", "=", id).executeTakeFirstOrThrow());

  return {
    async createSecret(orgId, name, fields, seal) {
      const now = Date.now();
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto("docker_secrets")
          .values({
            org_id: orgId,
            name,
            kind: fields.kind,
            registry_url: fields.registryUrl,
            registry_key: fields.registryKey,
            insecure: fields.insecure ? 1 : 0,
            credential: fields.credential,
            username: fields.username,
            email: fields.email,
            password_ciphertext: "",
            key_version: 0,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const sealed = seal(Number(inserted.id));
        return trx
          .updateTable("docker_secrets")
          .set({ password_ciphertext: sealed.ciphertext, key_version: sealed.keyVersion })
          .where("id", "=", inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return toSecret(row);
    },
    async findSecret(orgId, name) {
      const row = await db
        .selectFrom("docker_secrets")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? toSecret(row) : undefined;
    },
    async listSecrets(orgId) {
      const rows = await db
        .selectFrom("docker_secrets")
        .selectAll()
        .where("org_id", "=", orgId)
        .orderBy("name")
        .execute();
      return rows.map(toSecret);
    },
    async updateSecret(id, fields, sealed) {
      const set = columns(fields);
      if (sealed !== undefined) {
        set.password_ciphertext = sealed.ciphertext;
        set.key_version = sealed.keyVersion;
      }
      await db
        .updateTable("docker_secrets")
        .set({ ...set, updated_at: Date.now() })
        .where("id", "=", id)
        .execute();
      return byId(id);
    },
    async renameSecret(id, name) {
      await db.transaction().execute(async (trx) => {
        const old = await trx
          .selectFrom("docker_secrets")
          .select(["org_id", "name"])
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        await trx.updateTable("docker_secrets").set({ name, updated_at: Date.now() }).where("id", "=", id).execute();
        await trx
          .updateTable("services")
          .set({ secret_name: name })
          .where("org_id", "=", old.org_id)
          .where("secret_name", "=", old.name)
          .execute();
      });
    },
    async deleteSecret(id) {
      await db.deleteFrom("docker_secrets").where("id", "=", id).execute();
    },
    async staleSecrets(currentVersion, afterId, limit) {
      const rows = await db
        .selectFrom("docker_secrets")
        .selectAll()
        .where("key_version", "<>", currentVersion)
        .where("id", ">", afterId)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(toSecret);
    },
    async replaceCiphertext(id, expected, sealed) {
      const result = await db
        .updateTable("docker_secrets")
        .set({ password_ciphertext: sealed.ciphertext, key_version: sealed.keyVersion })
        .where("id", "=", id)
        .where("password_ciphertext", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
