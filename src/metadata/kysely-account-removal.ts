/**
 * @module
 * Account removal over Kysely. Rows are deleted explicitly, children first,
 * in one transaction each, so the result does not depend on the database
 * enforcing `ON DELETE CASCADE` (tables added later still cascade).
 */
import type { Kysely } from "kysely";
import type { AccountRemoval } from "./account-removal.ts";
import type { Database } from "./database-schema.ts";

/** Creates account removal for SQLite or PostgreSQL. */
export function createAccountRemoval(db: Kysely<Database>): AccountRemoval {
  return {
    async deleteUser(userId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("api_tokens").where("user_id", "=", userId).execute();
        await trx.deleteFrom("team_members").where("user_id", "=", userId).execute();
        await trx.deleteFrom("organization_members").where("user_id", "=", userId).execute();
        await trx.deleteFrom("repository_grants").where("user_id", "=", userId).execute();
        await trx.deleteFrom("namespaces").where("user_id", "=", userId).where("kind", "=", "user").execute();
        await trx.deleteFrom("users").where("id", "=", userId).execute();
      });
    },
    async deleteOrganization(orgId) {
      await db.transaction().execute(async (trx) => {
        const teams = trx.selectFrom("teams").select("id").where("org_id", "=", orgId);
        await trx.deleteFrom("services").where("org_id", "=", orgId).execute();
        await trx.deleteFrom("docker_secrets").where("org_id", "=", orgId).execute();
        await trx.deleteFrom("robots").where("org_id", "=", orgId).execute();
        await trx.deleteFrom("repository_grants").where("team_id", "in", teams).execute();
        await trx.deleteFrom("team_members").where("team_id", "in", teams).execute();
        await trx.deleteFrom("teams").where("org_id", "=", orgId).execute();
        await trx.deleteFrom("organization_members").where("org_id", "=", orgId).execute();
        const namespaces = trx.selectFrom("namespaces").select("name").where("org_id", "=", orgId);
        await trx.deleteFrom("license_field_definitions").where("app_slug", "in", namespaces).execute();
        await trx.deleteFrom("namespaces").where("org_id", "=", orgId).execute();
        await trx.deleteFrom("organizations").where("id", "=", orgId).execute();
      });
    },
    async deleteNamespace(name) {
      await db.transaction().execute(async (trx) => {
        // Keyed by slug without a foreign key: a later application of the same slug must not inherit them.
        await trx.deleteFrom("license_field_definitions").where("app_slug", "=", name).execute();
        await trx.deleteFrom("namespaces").where("name", "=", name).execute();
      });
    },
    async forgetRepositories(name, scope) {
      await db.transaction().execute(async (trx) => {
        for (const table of ["repository_settings", "repository_grants", "chart_channel_tags"] as const) {
          const column = table === "repository_settings" ? "name" : "repository";
          let query = trx.deleteFrom(table).where(column, "=", name);
          if (scope === "namespace") {
            query = trx
              .deleteFrom(table)
              .where((e) =>
                e.or([e(column, "=", name), e.and([e(column, ">", `${name}/`), e(column, "<", `${name}0`)])]),
              );
          }
          await query.execute();
        }
      });
    },
  };
}
