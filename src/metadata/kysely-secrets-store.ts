/**
 * @module
 * The whole secrets store over Kysely: pull secrets and service deployments
 * combined, as the secrets and deploy services receive it.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import { createDockerSecretStore } from "./kysely-docker-secret-store.ts";
import { createServiceStore } from "./kysely-service-store.ts";
import type { SecretsMetadata } from "./secrets-metadata.ts";

/** Creates the secrets store for SQLite or PostgreSQL (the schema of migration 0003). */
export function createSecretsStore(db: Kysely<Database>): SecretsMetadata {
  return { ...createDockerSecretStore(db), ...createServiceStore(db) } satisfies SecretsMetadata;
}
