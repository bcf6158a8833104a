/**
 * @module
 * The whole accounts store over Kysely: people and access halves combined.
 */
import type { Kysely } from "kysely";
import type { AccountsMetadata } from "./accounts-metadata.ts";
import type { Database } from "./database-schema.ts";
import { createAccessStore } from "./kysely-access-store.ts";
import { createPeopleStore } from "./kysely-people-store.ts";

/** Creates the accounts store for SQLite or PostgreSQL. */
export function createAccountsMetadata(db: Kysely<Database>): AccountsMetadata {
  return { ...createPeopleStore(db), ...createAccessStore(db) } satisfies AccountsMetadata;
}
