/**
 * @module
 * API tokens: a user creates, lists and revokes their own. A token has a
 * name (unique among the user's tokens that are not revoked), scopes — the
 * registry patterns it may use (`myapp/*:pull,push`) and the special `api`,
 * which lets it use the management API as its user — and an optional expiry.
 * The secret is returned once, by {@link createTokenManagement}'s `create`,
 * and stored only as a hash; no later answer contains it.
 */

import type { TokenRow } from "../metadata/accounts-metadata.ts";
import { systemClock } from "../time/clock.ts";
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireManager } from "./management-access.ts";
import type { TokenManagementDeps } from "./management-deps.ts";
import { parseDuration } from "./management-duration.ts";
import { formatScope, parseScopePattern } from "./scope-pattern.ts";
import { hashSecret, newSecret } from "./secret-token.ts";

/** A token as lists show it: never its secret. */
export interface TokenView {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly state: "active" | "expired" | "revoked";
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** What creating a token takes. */
export interface NewToken {
  readonly name: string;
  readonly scopes: readonly string[];
  /** A duration such as `30d`; no expiry when absent. */
  readonly expires?: string;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const maxScopes = 50;
const maxLifetimeMs = 5 * 365 * 86_400_000;
/** How long a `wharf login` session token lives unless the login says otherwise. */
const defaultLoginLifetime = "30d";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(row: TokenRow, now: number): TokenView {
  const state =
    row.revokedAt !== null ? "revoked" : row.expiresAt !== null && row.expiresAt <= now ? "expired" : "active";
  return {
    name: row.name,
    scopes: row.scopes,
    state,
    createdAt: iso(row.createdAt)!,
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** Validates and normalises scopes (`api` or `pattern:actions`), without duplicates. */
function normaliseScopes(scopes: readonly string[]): string[] {
  if (scopes.length === 0 || scopes.length > maxScopes) {
    throw new AccountsError("invalid-input", `give 1-${maxScopes} scopes, e.g. myapp/*:pull,push or api`);
  }
  return [...new Set(scopes.map((s) => (s === "api" ? s : formatScope(parseScopePattern(s)))))];
}

/** The `cli-yyyymmdd-hhmmss` name of a login token (UTC). */
function loginTokenName(now: number): string {
  const t = new Date(now).toISOString();
  return `cli-${t.slice(0, 10).replaceAll("-", "")}-${t.slice(11, 19).replaceAll(":", "")}`;
}

/** Token management. */
export type TokenManagement = ReturnType<typeof createTokenManagement>;

/** Creates the token management service. */
export function createTokenManagement(deps: TokenManagementDeps) {
  const { store } = deps;
  const clockNow = () => (deps.clock ?? systemClock).now();

  async function activeNamed(userId: number, name: string): Promise<TokenRow | undefined> {
    return (await store.listTokens(userId)).find((t) => t.name === name && t.revokedAt === null);
  }

  async function create(caller: Caller, input: NewToken) {
    const manager = requireManager(caller);
    if (!namePattern.test(input.name)) {
      throw new AccountsError(
        "invalid-input",
        `token name ${JSON.stringify(input.name.slice(0, 80))} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    const scopes = normaliseScopes(input.scopes);
    const lifetime = input.expires === undefined ? undefined : parseDuration(input.expires, "expiry");
    if (lifetime !== undefined && lifetime > maxLifetimeMs) {
      throw new AccountsError("invalid-input", "a token may live at most 5 years (1825d); omit the expiry for none");
    }
    if (await activeNamed(manager.userId, input.name)) {
      throw new AccountsError(
        "conflict",
        `you already have a token named ${JSON.stringify(input.name)}; revoke it or choose another name`,
      );
    }
    const secret = newSecret("pat");
    const now = clockNow();
    const expiresAt = lifetime === undefined ? null : now + lifetime;
    const row = await store.createToken(manager.userId, input.name, hashSecret(secret), scopes, expiresAt);
    recordChange(deps, caller, "token.create", `token:${manager.name}/${input.name}`, {
      scopes,
      expiresAt: iso(expiresAt),
    });
    return { ...view(row, now), token: secret };
  }

  return {
    create,

    /**
     * `POST /login`: a new token with `api` and full registry scopes, named
     * `cli-<utc time>` (with a `-2`, `-3`… suffix if that name is in use),
     * expiring after `expires` (30 days by default; a session never lives forever).
     */
    async login(caller: Caller, expires = defaultLoginLifetime) {
      const manager = requireManager(caller);
      const base = loginTokenName(clockNow());
      let name = base;
      for (let n = 2; await activeNamed(manager.userId, name); n++) name = `${base}-${n}`;
      const created = await create(caller, { name, scopes: ["api", "*:pull,push,delete"], expires });
      recordChange(deps, caller, "login", "api", { via: caller.principal.kind, tokenName: name });
      return { user: manager.name, tokenName: name, token: created.token, expiresAt: created.expiresAt };
    },

    /** The caller's tokens, newest last, without secrets. */
    async list(caller: Caller): Promise<TokenView[]> {
      const manager = requireManager(caller);
      const now = clockNow();
      return (await store.listTokens(manager.userId)).map((t) => view(t, now));
    },

    /** Revokes the caller's token `name`; it fails on its very next use. `not-found` when there is none. */
    async revoke(caller: Caller, name: string): Promise<void> {
      const manager = requireManager(caller);
      const token = await activeNamed(manager.userId, name);
      if (!token)
        throw new AccountsError("not-found", `you have no token named ${JSON.stringify(name)} that is not revoked`);
      await store.revokeToken(token.id, clockNow());
      recordChange(deps, caller, "token.revoke", `token:${manager.name}/${name}`);
    },
  };
}
