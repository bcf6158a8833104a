/**
 * @module
 * The `scope` parameter of the Docker token endpoint (distribution
 * `docs/spec/auth/scope.md`): `type[(class)]:name:action[,action]`. The name
 * may itself contain ':' (a registry host with a port), so the type is what
 * precedes the first ':' and the actions what follows the last. Several
 * scopes come as repeated parameters or space-separated in one.
 */

import { isValidRepositoryName } from "../reference/grammar.ts";
import type { Access, Action } from "./access.ts";
import { AccountsError } from "./accounts-error.ts";

const actions = new Set(["pull", "push", "delete", "*"]);

function malformed(text: string, why: string): AccountsError {
  return new AccountsError(
    "invalid-input",
    `invalid scope ${JSON.stringify(text.slice(0, 120))}: ${why}; expected e.g. repository:myapp/worker:pull,push or registry:catalog:*`,
  );
}

/** Parses one scope; `invalid-input` with a message when malformed. */
export function parseTokenScope(text: string): Access {
  const first = text.indexOf(":");
  const last = text.lastIndexOf(":");
  if (first <= 0 || last === first) throw malformed(text, "it needs three ':'-separated parts");
  const type = text.slice(0, first).replace(/\([a-z0-9]+\)$/, "");
  const name = text.slice(first + 1, last);
  const requested = text
    .slice(last + 1)
    .split(",")
    .filter(Boolean);
  if (requested.length === 0) throw malformed(text, "no actions");
  const unknown = requested.find((a) => !actions.has(a));
  if (unknown) throw malformed(text, `unknown action ${JSON.stringify(unknown)}`);
  if (type === "repository") {
    if (!isValidRepositoryName(name)) throw malformed(text, `${JSON.stringify(name)} is not a valid repository name`);
    return { type, name, actions: requested as Action[] };
  }
  if (type === "registry" && name === "catalog") return { type, name, actions: requested as Action[] };
  throw malformed(text, `unknown resource type ${JSON.stringify(type)}`);
}

/** Parses every scope in the given parameter values (repeated and/or space-separated). */
export function parseTokenScopes(values: readonly string[]): Access[] {
  const scopes = values.flatMap((v) => v.split(" ")).filter(Boolean);
  if (scopes.length > 50) throw new AccountsError("invalid-input", "at most 50 scopes may be requested at once");
  return scopes.map(parseTokenScope);
}

/** The scope string for an access (for WWW-Authenticate challenges). */
export function formatTokenScope(access: Access): string {
  return `${access.type}:${access.name}:${access.actions.join(",")}`;
}
