/**
 * @module
 * Test-only: builds role-store fixtures on a metadata backend. Each call
 * opens a fresh migrated database, seeds the rows a suite asked for through
 * the whole accounts store, and hands the suite only the store it tests.
 */
import type { Kysely } from "kysely";
import type { RoleFixture, RoleFixtureFactory, SeedNeeds } from "../conformance/role-fixture.ts";
import type { Database } from "../database-schema.ts";
import { createAccountsMetadata } from "../kysely-accounts-metadata.ts";
import type { MetadataBackend } from "./metadata-backends.ts";

/** A fixture factory for the store `make` builds over each test's database on `backend`. */
export function roleFixtures<S>(backend: MetadataBackend, make: (db: Kysely<Database>) => S): RoleFixtureFactory<S> {
  return async (needs: SeedNeeds): Promise<RoleFixture<S>> => {
    const { db, cleanup } = await backend.create();
    try {
      const accounts = createAccountsMetadata(db);
      const users: number[] = [];
      const orgs: number[] = [];
      const teams: number[] = [];
      for (let n = 0; n < (needs.users ?? 0); n++) {
        users.push((await accounts.createUser(`seed-user-${n}`, null, "unused", false)).id);
      }
      for (let n = 0; n < (needs.orgs ?? 0); n++) {
        orgs.push((await accounts.createOrganization(`seed-org-${n}`, users[0]!)).id);
      }
      for (let n = 0; n < (needs.teams ?? 0); n++) {
        teams.push((await accounts.createTeam(orgs[0]!, `seed-team-${n}`, "read")).id);
      }
      return { store: make(db), users, orgs, teams, cleanup };
    } catch (error) {
      await cleanup();
      throw error;
    }
  };
}
