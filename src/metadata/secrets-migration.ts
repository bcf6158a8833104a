/**
 * @module
 * The pull-secret and service-deployment schema. A secret's name is unique in
 * its organization and may change (rename), so the ciphertext is bound to the
 * row's id, which never does; services name their pull secret, because a
 * service outlives neither its organization (cascade) nor — by the services
 * layer's rule — a secret it still uses. Portable types only.
 */
import type { Kysely, Migration } from "kysely";

async function createDockerSecrets(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("docker_secrets")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("registry_url", "text", (c) => c.notNull())
    .addColumn("registry_key", "text", (c) => c.notNull())
    .addColumn("insecure", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("credential", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("password_ciphertext", "text", (c) => c.notNull())
    .addColumn("key_version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("docker_secrets_org_name", ["org_id", "name"])
    .execute();
  await db.schema.createIndex("docker_secrets_key_version").on("docker_secrets").column("key_version").execute();
}

async function createServices(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("services")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("image", "text", (c) => c.notNull())
    .addColumn("secret_name", "text")
    .addColumn("replicas", "integer", (c) => c.notNull())
    .addColumn("ports", "text", (c) => c.notNull())
    .addColumn("env", "text", (c) => c.notNull())
    .addColumn("command", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("services_org_name", ["org_id", "name"])
    .execute();
  await db.schema.createIndex("services_org_secret").on("services").columns(["org_id", "secret_name"]).execute();
}

/** Creates `docker_secrets` and `services`; `down` drops them. */
export const secretsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await createDockerSecrets(db);
    await createServices(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("services").execute();
    await db.schema.dropTable("docker_secrets").execute();
  },
};
