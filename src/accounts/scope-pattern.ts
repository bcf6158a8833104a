/**
 * @module
 * The scopes of API tokens and robots: `<pattern>:<actions>`, where the
 * pattern is a repository name, `<namespace>/*` (everything below a
 * namespace) or `*`, and actions a comma list of pull, push, delete.
 * A token never grants more than its owner has: scopes only narrow.
 */

import { isValidRepositoryName } from "../reference/grammar.ts";
import type { Action } from "./access.ts";
import { AccountsError } from "./accounts-error.ts";

/** One parsed scope. */
export interface ScopePattern {
  readonly pattern: string;
  readonly actions: readonly Action[];
}

const knownActions = new Set(["pull", "push", "delete"]);

/** Parses `pattern:actions`; `invalid-input` naming the problem otherwise. */
export function parseScopePattern(text: string): ScopePattern {
  const at = text.lastIndexOf(":");
  const pattern = text.slice(0, at);
  const actions = text
    .slice(at + 1)
    .split(",")
    .filter(Boolean);
  const bad = actions.find((a) => !knownActions.has(a));
  if (at <= 0 || actions.length === 0 || bad) {
    throw new AccountsError(
      "invalid-input",
      `invalid scope ${JSON.stringify(text.slice(0, 100))}: write <repository|namespace/*|*>:<pull,push,delete>, e.g. myapp/*:pull,push`,
    );
  }
  const base = pattern.endsWith("/*") ? pattern.slice(0, -2) : pattern;
  if (pattern !== "*" && !isValidRepositoryName(base)) {
    throw new AccountsError(
      "invalid-input",
      `invalid scope pattern ${JSON.stringify(pattern.slice(0, 100))}: not a repository name`,
    );
  }
  return { pattern, actions: actions as Action[] };
}

/** True when `pattern` covers `repository`. */
export function patternCovers(pattern: string, repository: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("/*")) return repository.startsWith(pattern.slice(0, -1));
  return pattern === repository;
}

/** The actions `scopes` allow on `repository` (the union over matching scopes). */
export function scopedActions(scopes: readonly ScopePattern[], repository: string): Set<Action> {
  const allowed = new Set<Action>();
  for (const scope of scopes) {
    if (patternCovers(scope.pattern, repository)) for (const action of scope.actions) allowed.add(action);
  }
  return allowed;
}

/** Serialises scopes for storage and display (`a/*:pull,push`). */
export function formatScope(scope: ScopePattern): string {
  return `${scope.pattern}:${scope.actions.join(",")}`;
}
