/**
 * @module
 * The schema version of a metadata database: the number that prefixes the
 * name of the last migration applied (`0004_external_registries` is version
 * 4), read from Kysely's migration table. A database that has applied a
 * migration this program does not know was written by a newer Wharf: it is
 * refused with both version numbers rather than run against a schema the
 * code does not understand.
 */

import type { DatabaseSync } from "node:sqlite";
import { type Kysely, sql } from "kysely";
import { ConfigError } from "../config/load-config.ts";
import { migrations } from "./migrations.ts";

/** Where a database stands against the migrations this program carries. */
export interface SchemaStatus {
  /** Version of the last applied migration; 0 for an empty database. */
  readonly current: number;
  /** Version of the newest migration this program knows. */
  readonly latest: number;
  readonly applied: readonly string[];
  /** Known migrations not applied yet, in the order they will run. */
  readonly pending: readonly string[];
  /** Applied migrations this program does not know (a newer Wharf wrote them). */
  readonly unknown: readonly string[];
}

/** A database whose schema is newer than this program: refused at start like a configuration error (exit 2). */
export class SchemaTooNewError extends ConfigError {
  constructor(status: SchemaStatus) {
    super(
      `the database schema is at version ${status.current} but this wharf knows versions up to ${status.latest} ` +
        `(unknown migrations: ${status.unknown.join(", ")}); run the newer wharf that wrote it, ` +
        "or restore a backup taken before the upgrade",
    );
    this.name = "SchemaTooNewError";
  }
}

/** The version number of a migration name (`0004_x` → 4). */
export function versionOf(name: string): number {
  const found = /^(\d+)_/.exec(name);
  return found ? Number(found[1]) : 0;
}

const knownNames = Object.keys(migrations).sort();

/** Reads the applied migrations (none when the migration table does not exist yet). */
export async function readSchemaStatus(db: Kysely<unknown>): Promise<SchemaStatus> {
  let applied: string[] = [];
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    applied = rows.rows.map((row) => row.name);
  } catch (error) {
    if (!/no such table|does not exist/i.test((error as Error).message)) throw error;
  }
  return schemaStatusOf(applied);
}

/** The status of a database that has applied the migrations named `applied`. */
export function schemaStatusOf(applied: readonly string[]): SchemaStatus {
  const known = new Set(knownNames);
  const done = new Set(applied);
  return {
    current: Math.max(0, ...applied.map(versionOf)),
    latest: Math.max(0, ...knownNames.map(versionOf)),
    applied,
    pending: knownNames.filter((name) => !done.has(name)),
    unknown: applied.filter((name) => !known.has(name)),
  };
}

/** The applied migration names read straight from an open `node:sqlite` database (no Kysely). */
export function appliedMigrations(database: DatabaseSync): string[] {
  const table = database
    .prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'")
    .get();
  if (!table) return [];
  return database
    .prepare("select name from kysely_migration order by name")
    .all()
    .map((row) => String(row.name));
}
