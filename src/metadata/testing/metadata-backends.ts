/**
 * @module
 * Test-only: the matrix of metadata databases every metadata conformance
 * suite runs against. Each backend opens a fresh, migrated, isolated
 * database per call (a new SQLite file; a new database in the throwaway
 * PostgreSQL cluster) and says why it cannot run here, if it cannot.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import type { Kysely } from "kysely";
import { configSchema } from "../../config/config-schema.ts";
import type { Database } from "../database-schema.ts";
import { openDatabase } from "../open-database.ts";
import { createTestDatabase, postgresUnavailable } from "./postgres-test-cluster.ts";

/** One test's database, migrated to the latest schema. */
export interface MetadataDatabase {
  readonly db: Kysely<Database>;
  /** Closes the database and removes it. */
  cleanup(): Promise<void>;
}

/** A metadata backend under test. */
export interface MetadataBackend {
  readonly name: string;
  /** Why the backend cannot run on this machine, or undefined when it can. */
  unavailable(): string | undefined;
  /** A fresh, empty, migrated database. */
  create(): Promise<MetadataDatabase>;
}

const sqlite: MetadataBackend = {
  name: "sqlite (node:sqlite)",
  unavailable: () => undefined,
  async create() {
    const dir = await mkdtemp(join(tmpdir(), "wharf-meta-"));
    const db = await openDatabase(configSchema.parse({ dataDir: dir }));
    return {
      db,
      cleanup: async () => {
        await db.destroy();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: MetadataBackend = {
  name: "postgres (pg)",
  unavailable: postgresUnavailable,
  async create() {
    const database = await createTestDatabase();
    const config = configSchema.parse({
      dataDir: tmpdir(),
      database: { driver: "postgres", postgres: { url: database.url, poolSize: 4 } },
    });
    const db = await openDatabase(config);
    return {
      db,
      cleanup: async () => {
        await db.destroy();
        await database.drop();
      },
    };
  },
};

/** Every backend, in the order the suites run them. */
export const metadataBackends: readonly MetadataBackend[] = [sqlite, postgres];

/**
 * Calls `register` once per available backend (inside a test file, at top
 * level). A backend that cannot run is skipped with its reason, and fails
 * under CI, where every backend must be there.
 */
export function forEachMetadataBackend(register: (backend: MetadataBackend) => void): void {
  for (const backend of metadataBackends) {
    const reason = backend.unavailable();
    if (reason === undefined) register(backend);
    else if (process.env.CI) it(`${backend.name} runs here`, () => assert.fail(`${backend.name}: ${reason}`));
    else it(`${backend.name} runs here`, { skip: reason }, () => {});
  }
}
