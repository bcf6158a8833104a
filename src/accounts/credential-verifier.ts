/**
 * @module
 * Turns a username and secret (password, API token or robot secret) into a
 * principal. Tokens and robots are looked up by hash on every call, so a
 * revoked one fails on its very next use. Passwords go through scrypt once
 * and are then remembered for a minute per (user, password, stored hash) —
 * a changed password or a disabled user is seen at once, because each hit
 * re-reads the user. Password attempts are rate-limited (tokens, which
 * cannot be guessed, are not): each attempt is reserved with the limiter
 * before scrypt runs, so a burst cannot outrun the limit, and a remembered
 * password still honours a block. Unknown users cost the same scrypt as
 * known ones so timing does not reveal which exist.
 */
import { createHash } from "node:crypto";
import type { RobotStore, TokenStore, UserRow, UserStore } from "../metadata/accounts-metadata.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import type { Principal } from "./access.ts";
import type { LicenseAuthority } from "./license-authority.ts";
import type { LoginRateLimiter } from "./login-rate-limiter.ts";
import { hashPassword, verifyPassword } from "./password-hash.ts";
import { createLocalPasswordMemo, type PasswordMemo } from "./password-memo.ts";
import { parseScopePattern } from "./scope-pattern.ts";
import { hashSecret, looksLikeSecret } from "./secret-token.ts";

/** The outcome of a credential check. */
export type Verification =
  | { readonly ok: true; readonly principal: Principal; readonly via: "password" | "token" | "robot" | "license" }
  | { readonly ok: false; readonly reason: "invalid" }
  | { readonly ok: false; readonly reason: "rate-limited"; readonly retryAfterSeconds: number };

const cacheMs = 60_000;
const invalid = { ok: false, reason: "invalid" } as const;

/** The credential verifier. */
export type CredentialVerifier = ReturnType<typeof createCredentialVerifier>;

/** Optional parts of {@link createCredentialVerifier}. */
export interface VerifierOptions {
  /** The time source (token expiry, the password cache). */
  readonly clock?: Clock;
  /** Called after every scrypt password check (for metrics); never with the password. */
  readonly onPasswordCheck?: (matched: boolean) => void;
  /** Authenticates customer license ids, when licensing is wired. */
  readonly licenses?: LicenseAuthority;
  /** Passwords checked a moment ago; this process's own by default (workers share the primary's). */
  readonly memo?: PasswordMemo;
}

/** Creates the verifier over the accounts store and the login rate limiter. */
export function createCredentialVerifier(
  store: UserStore & TokenStore & RobotStore,
  limiter: LoginRateLimiter,
  options: VerifierOptions = {},
) {
  const clock = options.clock ?? systemClock;
  const licenses = options.licenses;
  const remembered = options.memo ?? createLocalPasswordMemo();
  const dummyHash = hashPassword("wharf-timing-equalizer");

  function userPrincipal(user: UserRow): Principal {
    return { kind: "user", name: user.name, userId: user.id, isAdmin: user.isAdmin };
  }

  async function viaToken(username: string, secret: string): Promise<Verification> {
    const token = await store.findTokenByHash(hashSecret(secret));
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= clock.now()))
      return invalid;
    const user = await store.findUserById(token.userId);
    if (!user || user.disabled || user.name !== username) return invalid;
    void store.touchToken(token.id, clock.now()).catch(() => undefined);
    const scopes = token.scopes.filter((s) => s !== "api").map(parseScopePattern);
    const principal: Principal = {
      kind: "token",
      name: user.name,
      userId: user.id,
      isAdmin: user.isAdmin,
      tokenId: token.id,
      tokenName: token.name,
      scopes,
      api: token.scopes.includes("api"),
    };
    return { ok: true, principal, via: "token" };
  }

  async function viaRobot(username: string, secret: string): Promise<Verification> {
    const robot = await store.findRobotByHash(hashSecret(secret));
    if (!robot || robot.revokedAt !== null || `${robot.orgName}+${robot.name}` !== username) return invalid;
    const principal: Principal = {
      kind: "robot",
      name: username,
      robotId: robot.id,
      orgId: robot.orgId,
      scopes: robot.scopes.map(parseScopePattern),
    };
    return { ok: true, principal, via: "robot" };
  }

  function rateLimited(retryAfterSeconds: number): Verification {
    return { ok: false, reason: "rate-limited", retryAfterSeconds };
  }

  async function viaPassword(username: string, password: string, address: string): Promise<Verification> {
    const user = await store.findUser(username);
    const key = createHash("sha256").update(`${username}\0${password}`).digest("hex");
    const cached = await remembered.get(key);
    if (user && !user.disabled && cached && cached.until > clock.now() && cached.passwordHash === user.passwordHash) {
      // Checked by scrypt within the last minute: nothing to guess, so only
      // read the limits (a block still applies) and count nothing.
      const check = await limiter.check(username, address);
      if (check.retryAfterSeconds !== undefined) return rateLimited(check.retryAfterSeconds);
      if (check.accountHasFailures) await limiter.succeeded(username, address);
      return { ok: true, principal: userPrincipal(user), via: "password" };
    }
    // Count the attempt before checking it: concurrent guesses cannot all
    // pass a limit that only sees failures already recorded.
    const reserved = await limiter.reserve(username, address);
    if (!reserved.ok) return rateLimited(reserved.retryAfterSeconds);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
    options.onPasswordCheck?.(matches);
    if (!user || user.disabled || !matches) return invalid;
    await limiter.succeeded(username, address, reserved.reservation);
    remembered.set(key, { passwordHash: user.passwordHash, until: clock.now() + cacheMs });
    return { ok: true, principal: userPrincipal(user), via: "password" };
  }

  return {
    /** The credentials epoch of the user behind `principal` (users and their tokens), to stamp a refresh token with. */
    async epochOf(principal: Principal): Promise<number | undefined> {
      if (principal.kind !== "user" && principal.kind !== "token") return undefined;
      return (await store.findUserById(principal.userId))?.credentialsEpoch;
    },

    /** Checks `username`/`secret` from `address`; never throws for bad input. */
    async verify(username: string, secret: string, address: string): Promise<Verification> {
      if (username.length === 0 || username.length > 256 || secret.length === 0 || secret.length > 8192) return invalid;
      // Tokens and robot secrets hold 256 random bits: guessing them is hopeless,
      // so they are neither limited nor counted. Counting them would let one CI
      // job retrying a revoked token lock every user behind its address out.
      // License ids are as unguessable as tokens: neither limited nor counted.
      if (licenses?.recognizes(secret)) {
        const principal = await licenses.authenticate(username, secret);
        return principal ? { ok: true, principal, via: "license" } : invalid;
      }
      if (looksLikeSecret(secret)) {
        return secret.startsWith("wharf_pat_") ? viaToken(username, secret) : viaRobot(username, secret);
      }
      return viaPassword(username, secret, address);
    },

    /**
     * The current principal behind a token's subject, or undefined when it no
     * longer exists or was revoked. With `epoch` (from a refresh token), also
     * undefined when the user's password changed or the user was disabled
     * since: the user's credentials epoch must still equal it.
     */
    async principalOf(kind: Principal["kind"], id: number, epoch?: number): Promise<Principal | undefined> {
      const current = (user: UserRow | undefined): user is UserRow =>
        user !== undefined && !user.disabled && (epoch === undefined || user.credentialsEpoch === epoch);
      if (kind === "user") {
        const user = await store.findUserById(id);
        return current(user) ? userPrincipal(user) : undefined;
      }
      if (kind === "token") {
        const token = await store.findTokenById(id);
        if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= clock.now()))
          return undefined;
        const user = await store.findUserById(token.userId);
        if (!current(user)) return undefined;
        const scopes = token.scopes.filter((s) => s !== "api").map(parseScopePattern);
        return {
          kind,
          name: user.name,
          userId: user.id,
          isAdmin: user.isAdmin,
          tokenId: id,
          tokenName: token.name,
          scopes,
          api: token.scopes.includes("api"),
        };
      }
      if (kind === "robot") {
        const robot = await store.findRobotById(id);
        if (!robot || robot.revokedAt !== null) return undefined;
        return {
          kind,
          name: `${robot.orgName}+${robot.name}`,
          robotId: id,
          orgId: robot.orgId,
          scopes: robot.scopes.map(parseScopePattern),
        };
      }
      if (kind === "license") return licenses?.principalOf(id);
      return undefined;
    },
  };
}
