/**
 * @module
 * Names that must be unique. Users, organizations and applications share one
 * space — the namespaces table is the arbiter — so a name is checked against
 * it before anything is created. The database's own unique constraints
 * still decide a race; {@link orConflict} turns losing one into the same
 * `conflict` instead of a 500, without knowing any driver's error format.
 */

import type { NamespaceStore } from "../metadata/accounts-metadata.ts";
import { assertNamespaceName } from "./account-names.ts";
import { AccountsError } from "./accounts-error.ts";

/** The `conflict` for a taken name. */
export function nameTaken(name: string, what = "name"): AccountsError {
  return new AccountsError("conflict", `${what} ${JSON.stringify(name)} is taken; choose another`);
}

/** Throws `invalid-input` for a bad namespace name, `conflict` when a user, organization or application holds it. */
export async function assertNamespaceFree(
  store: Pick<NamespaceStore, "findNamespace">,
  name: string,
  what: string,
): Promise<void> {
  assertNamespaceName(name, what);
  if (await store.findNamespace(name)) throw nameTaken(name);
}

/**
 * Runs `create`; when it fails and `exists` now reports the name as taken
 * (another request won a race), throws `conflict` instead of the driver's error.
 */
export async function orConflict<T>(
  create: () => Promise<T>,
  exists: () => Promise<boolean>,
  conflict: () => Error,
): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (await exists().catch(() => false)) throw conflict();
    throw error;
  }
}
