/**
 * @module
 * Changing passwords: a user changes their own (confirming the current one,
 * checked like a login, so it is rate-limited too); a server administrator
 * resets anyone's. The new password follows the same policy as at user
 * creation. Either way the user's credentials epoch goes up, so every
 * refresh token issued before is dead, and the user's `wharf login` sessions
 * are revoked (except the one a user changed their own password with). An
 * audit event `user.password` records who did it; never the password.
 */

import type { UserRow } from "../metadata/accounts-metadata.ts";
import { systemClock } from "../time/clock.ts";
import { AccountsError } from "./accounts-error.ts";
import { revokeLoginSessions } from "./login-sessions.ts";
import { type Caller, recordChange, requireAdmin, requireManager } from "./management-access.ts";
import type { PasswordManagementDeps } from "./management-deps.ts";
import { hashPassword, verifyPassword } from "./password-hash.ts";
import { checkPasswordPolicy } from "./password-policy.ts";

/** What a password change did. */
export interface PasswordChanged {
  readonly name: string;
  /** How many `wharf login` sessions were revoked. */
  readonly sessionsRevoked: number;
}

/** Password management. */
export type PasswordManagement = ReturnType<typeof createPasswordManagement>;

/** Creates the password management service. */
export function createPasswordManagement(deps: PasswordManagementDeps) {
  const { store } = deps;

  async function apply(caller: Caller, user: UserRow, password: string, by: "self" | "admin", keep?: number) {
    checkPasswordPolicy(password);
    await store.setUserPassword(user.id, await hashPassword(password));
    const sessionsRevoked = await revokeLoginSessions(store, user.id, (deps.clock ?? systemClock).now(), keep);
    recordChange(deps, caller, "user.password", `user:${user.name}`, { by, sessionsRevoked });
    return { name: user.name, sessionsRevoked };
  }

  async function currentMatches(caller: Caller, user: UserRow, current: string): Promise<boolean> {
    if (!deps.checkLogin) return verifyPassword(current, user.passwordHash);
    const result = await deps.checkLogin(user.name, current, caller.remote ?? "unknown");
    if (!result.ok && result.reason === "rate-limited") {
      throw new AccountsError(
        "rate-limited",
        `too many failed password checks for ${user.name}; retry in ${result.retryAfterSeconds} s`,
      );
    }
    return result.ok && result.via === "password";
  }

  return {
    /**
     * Changes the caller's own password after confirming `current`. `forbidden`
     * when `current` is wrong (or is a token, not the password);
     * `invalid-input` when the new one breaks the policy or equals the current.
     */
    async changeOwn(caller: Caller, current: string, password: string): Promise<PasswordChanged> {
      const manager = requireManager(caller);
      const user = await store.findUserById(manager.userId);
      if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(manager.name)} does not exist`);
      if (!(await currentMatches(caller, user, current))) {
        throw new AccountsError("forbidden", "the current password is not right; the password was not changed");
      }
      if (current === password) {
        throw new AccountsError("invalid-input", "the new password is the current one; choose a different one");
      }
      const keep = caller.principal.kind === "token" ? caller.principal.tokenId : undefined;
      return apply(caller, user, password, "self", keep);
    },

    /** Sets `name`'s password (server admin). `not-found` when there is no such user. */
    async reset(caller: Caller, name: string, password: string): Promise<PasswordChanged> {
      requireAdmin(caller, "set other users' passwords");
      const user = await store.findUser(name);
      if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(name)} does not exist`);
      return apply(caller, user, password, "admin");
    },
  };
}
