/**
 * @module
 * Test-only: the fixture every role-store conformance suite runs on. A suite
 * asks for the rows it needs around the store it tests (users,
 * organizations, teams); each test gets a fresh, isolated database with
 * exactly those rows, and the database is removed after the test.
 */
import { it } from "node:test";

/** The rows a suite needs before its test starts. */
export interface SeedNeeds {
  /** Users named `seed-user-0`…, not admins. */
  readonly users?: number;
  /** Organizations named `seed-org-0`…, owned by the first seeded user (so `users` ≥ 1). */
  readonly orgs?: number;
  /** Teams named `seed-team-0`… in the first seeded organization, role `read`. */
  readonly teams?: number;
}

/** One test's store and the ids of the seeded rows, in seed order. */
export interface RoleFixture<S> {
  readonly store: S;
  readonly users: readonly number[];
  readonly orgs: readonly number[];
  readonly teams: readonly number[];
  /** Closes and removes the test's database. */
  cleanup(): Promise<void>;
}

/** Opens a fresh database seeded with `needs` and returns the store under test on it. */
export type RoleFixtureFactory<S> = (needs: SeedNeeds) => Promise<RoleFixture<S>>;

/**
 * Registers one test that runs `body` on a fixture of its own (a fresh
 * database), and removes the fixture whether the test passes or not.
 */
export function fixtureTest<S>(
  create: RoleFixtureFactory<S>,
  needs: SeedNeeds,
  name: string,
  body: (fixture: RoleFixture<S>) => Promise<void>,
): void {
  it(name, async () => {
    const fixture = await create(needs);
    try {
      await body(fixture);
    } finally {
      await fixture.cleanup();
    }
  });
}

/**
 * Runs `count` copies of `attempt` at once and returns how many succeeded
 * and the failures, for "exactly one of two concurrent creates wins" checks.
 */
export async function race(count: number, attempt: (n: number) => Promise<unknown>) {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, n) => attempt(n)));
  return {
    won: settled.filter((s) => s.status === "fulfilled").length,
    lost: settled.filter((s) => s.status === "rejected").length,
  };
}
