/**
 * @module
 * Names of users, organizations, teams, robots and application slugs. User,
 * organization and application names are namespaces — the first component
 * of a repository name — so they share one rule: 1-63 characters of
 * lower-case letters, digits and '-', beginning and ending with a letter or
 * digit (the seeds' application slug rule, valid in a repository path).
 */
import { AccountsError } from "./accounts-error.ts";

const namePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Names no one may take: they would shadow Wharf's own paths or mislead. */
const reserved = new Set([
  "v2",
  "api",
  "auth",
  "proxy",
  "admin",
  "library",
  "_catalog",
  "healthz",
  "readyz",
  "metrics",
]);

/** A problem with `name` as a namespace or team name, or undefined when valid. */
export function checkAccountName(name: string, what: string): string | undefined {
  if (name.length === 0 || name.length > 63) return `${what} must be 1-63 characters (got ${name.length})`;
  if (!namePattern.test(name)) {
    return `${what} ${JSON.stringify(name)} must use lower-case letters, digits and '-', and begin and end with a letter or digit`;
  }
  return undefined;
}

/** Throws `invalid-input` when `name` is not a valid account name. */
export function assertAccountName(name: string, what: string): void {
  const problem = checkAccountName(name, what);
  if (problem) throw new AccountsError("invalid-input", problem);
}

/** Throws `invalid-input` when `name` cannot be a namespace (invalid or reserved). */
export function assertNamespaceName(name: string, what: string): void {
  assertAccountName(name, what);
  if (reserved.has(name))
    throw new AccountsError("invalid-input", `${what} ${JSON.stringify(name)} is reserved; choose another`);
}
