/**
 * @module
 * The accounts schema: users, organizations and their members, teams,
 * namespaces (one per user, organization and application), repository
 * visibility and grants, API tokens, robots, the audit log and login
 * failure counters. Portable types only (SQLite and PostgreSQL).
 */
import type { Kysely, Migration } from "kysely";

async function createPeople(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("email", "text")
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("organizations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("organization_members")
    .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("owner", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("organization_members_pk", ["org_id", "user_id"])
    .execute();
  await db.schema
    .createTable("teams")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("teams_org_name", ["org_id", "name"])
    .execute();
  await db.schema
    .createTable("team_members")
    .addColumn("team_id", "integer", (c) => c.notNull().references("teams.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("team_members_pk", ["team_id", "user_id"])
    .execute();
}

async function createNamespaces(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("namespaces")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("org_id", "integer", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("public", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("repository_settings")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("public", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("repository_grants")
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("team_id", "integer", (c) => c.references("teams.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("repository_grants_unique")
    .on("repository_grants")
    .columns(["repository", "team_id", "user_id"])
    .unique()
    .execute();
}

async function createCredentials(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema.createIndex("api_tokens_user_name").on("api_tokens").columns(["user_id", "name"]).execute();
  await db.schema
    .createTable("robots")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("robots_org_name", ["org_id", "name"])
    .execute();
}

async function createAudit(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("detail", "text")
    .addColumn("remote", "text")
    .execute();
  await db.schema.createIndex("audit_events_at").on("audit_events").column("at").execute();
  await db.schema
    .createTable("login_failures")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "bigint", (c) => c.notNull())
    .execute();
}

/** Creates every accounts table. */
export const accountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await createPeople(db);
    await createNamespaces(db);
    await createCredentials(db);
    await createAudit(db);
  },
  async down(db: Kysely<unknown>) {
    const tables = [
      "login_failures",
      "audit_events",
      "robots",
      "api_tokens",
      "repository_grants",
      "repository_settings",
      "namespaces",
      "team_members",
      "teams",
      "organization_members",
      "organizations",
      "users",
    ];
    for (const table of tables) await db.schema.dropTable(table).execute();
  },
};
