/**
 * @module
 * Schema migrations as `{ up, down }` objects, applied in name order at
 * start-up. The same migrations run on SQLite and PostgreSQL, so they use
 * only portable column types.
 */
import type { Kysely, Migration } from "kysely";
import { accountsMigration } from "./accounts-migration.ts";
import { credentialsEpochMigration } from "./credentials-epoch-migration.ts";
import { externalRegistriesMigration } from "./external-registries-migration.ts";
import { gcMigration } from "./gc-migration.ts";
import { gcRulesMigration } from "./gc-rules-migration.ts";
import { licenseFieldsMigration } from "./license-fields-migration.ts";
import { licenseSealedIdMigration } from "./license-sealed-id-migration.ts";
import { licensingMigration } from "./licensing-migration.ts";
import { releasesMigration } from "./releases-migration.ts";
import { sealedValuesMigration } from "./sealed-values-migration.ts";
import { secretsMigration } from "./secrets-migration.ts";
import { signingKeysMigration } from "./signing-keys-migration.ts";
import { webhooksMigration } from "./webhooks-migration.ts";

const registryCore: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("repositories")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("blobs")
      .addColumn("digest", "text", (c) => c.primaryKey())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("repository_blobs")
      .addColumn("repository_id", "integer", (c) => c.notNull().references("repositories.id").onDelete("cascade"))
      .addColumn("digest", "text", (c) => c.notNull().references("blobs.digest"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("repository_blobs_pk", ["repository_id", "digest"])
      .execute();
    await db.schema.createIndex("repository_blobs_digest").on("repository_blobs").column("digest").execute();
    await createManifestTables(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["tags", "manifests", "repository_blobs", "blobs", "repositories"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

async function createManifestTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("manifests")
    .addColumn("repository_id", "integer", (c) => c.notNull().references("repositories.id").onDelete("cascade"))
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("content", "blob", (c) => c.notNull())
    .addColumn("artifact_type", "text")
    .addColumn("subject_digest", "text")
    .addColumn("annotations", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("manifests_pk", ["repository_id", "digest"])
    .execute();
  await db.schema
    .createIndex("manifests_subject")
    .on("manifests")
    .columns(["repository_id", "subject_digest"])
    .execute();
  await db.schema
    .createTable("tags")
    .addColumn("repository_id", "integer", (c) => c.notNull().references("repositories.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("manifest_digest", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("tags_pk", ["repository_id", "name"])
    .execute();
}

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  "0001_registry_core": registryCore,
  "0002_accounts": accountsMigration,
  "0003_secrets_and_services": secretsMigration,
  "0004_external_registries": externalRegistriesMigration,
  "0005_licensing": licensingMigration,
  "0006_users_credentials_epoch": credentialsEpochMigration,
  "0007_releases": releasesMigration,
  "0008_license_sealed_id": licenseSealedIdMigration,
  "0009_garbage_collection": gcMigration,
  "0011_token_signing_keys": signingKeysMigration,
  "0012_license_fields": licenseFieldsMigration,
  "0013_webhooks": webhooksMigration,
  "0014_gc_rules": gcRulesMigration,
  "0016_sealed_values": sealedValuesMigration,
};
