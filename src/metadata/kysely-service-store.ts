/**
 * @module
 * Service deployments over Kysely. Ports, environment and command are lists
 * and maps that are always read and written whole, so they are JSON text
 * columns rather than child tables.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database, ServicesTable } from "./database-schema.ts";
import type { ServiceRow, ServiceSpec, ServiceStore } from "./secrets-metadata.ts";

function toService(row: Selectable<ServicesTable>): ServiceRow {
  return {
    id: Number(row.id),
    orgId: Number(row.org_id),
    name: row.name,
    image: row.image,
    secretName: row.secret_name,
    replicas: Number(row.replicas),
    ports: JSON.parse(row.ports) as ServiceRow["ports"],
    env: JSON.parse(row.env) as ServiceRow["env"],
    command: JSON.parse(row.command) as ServiceRow["command"],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function specColumns(spec: ServiceSpec) {
  return {
    name: spec.name,
    image: spec.image,
    secret_name: spec.secretName,
    replicas: spec.replicas,
    ports: JSON.stringify(spec.ports),
    env: JSON.stringify(spec.env),
    command: JSON.stringify(spec.command),
  };
}

/** Creates the service store for SQLite or PostgreSQL. */
export function createServiceStore(db: Kysely<Database>): ServiceStore {
  return {
    async createService(orgId, spec) {
      const now = Date.now();
      const row = await db
        .insertInto("services")
        .values({ ...specColumns(spec), org_id: orgId, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toService(row);
    },
    async findService(orgId, name) {
      const row = await db
        .selectFrom("services")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? toService(row) : undefined;
    },
    async listServices(orgId) {
      const rows = await db.selectFrom("services").selectAll().where("org_id", "=", orgId).orderBy("name").execute();
      return rows.map(toService);
    },
    async updateService(id, spec) {
      const row = await db
        .updateTable("services")
        .set({ ...specColumns(spec), updated_at: Date.now() })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toService(row);
    },
    async deleteService(id) {
      await db.deleteFrom("services").where("id", "=", id).execute();
    },
    async servicesUsingSecret(orgId, secretName) {
      const rows = await db
        .selectFrom("services")
        .select("name")
        .where("org_id", "=", orgId)
        .where("secret_name", "=", secretName)
        .orderBy("name")
        .execute();
      return rows.map((row) => row.name);
    },
  };
}
