/**
 * @module
 * Managing users: only a server administrator creates, lists, disables and
 * re-enables them. Every new user owns the namespace of its name. A disabled
 * user's password, tokens and refresh tokens stop working at once (the
 * credential verifier re-reads the user on every check); disabling also
 * revokes the user's `wharf login` sessions and raises the credentials epoch,
 * so neither those nor any refresh token issued before work after re-enabling. Views never carry
 * the password hash.
 */

import type { UserRow } from "../metadata/accounts-metadata.ts";
import { systemClock } from "../time/clock.ts";
import { AccountsError } from "./accounts-error.ts";
import { revokeLoginSessions } from "./login-sessions.ts";
import { type Caller, recordChange, requireAdmin, requireManager } from "./management-access.ts";
import type { UserManagementDeps } from "./management-deps.ts";
import { assertNamespaceFree, nameTaken, orConflict } from "./management-names.ts";
import { hashPassword } from "./password-hash.ts";
import { checkPasswordPolicy } from "./password-policy.ts";

/** A user as the API shows it. */
export interface UserView {
  readonly name: string;
  readonly email: string | null;
  readonly admin: boolean;
  readonly disabled: boolean;
}

/** What creating a user takes. */
export interface NewUser {
  readonly name: string;
  readonly password: string;
  readonly email?: string;
  readonly admin?: boolean;
}

function view(user: UserRow): UserView {
  return { name: user.name, email: user.email, admin: user.isAdmin, disabled: user.disabled };
}

/** User management. */
export type UserManagement = ReturnType<typeof createUserManagement>;

/** Creates the user management service. */
export function createUserManagement(deps: UserManagementDeps) {
  const { store } = deps;

  async function findOrFail(name: string): Promise<UserRow> {
    const user = await store.findUser(name);
    if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(name)} does not exist`);
    return user;
  }

  async function setDisabled(caller: Caller, name: string, disabled: boolean): Promise<UserView> {
    const manager = requireAdmin(caller, disabled ? "disable users" : "enable users");
    const user = await findOrFail(name);
    if (disabled && user.id === manager.userId) throw new AccountsError("invalid-input", "you cannot disable yourself");
    await store.setUserDisabled(user.id, disabled);
    const sessionsRevoked = disabled ? await revokeLoginSessions(store, user.id, (deps.clock ?? systemClock).now()) : 0;
    recordChange(
      deps,
      caller,
      disabled ? "user.disable" : "user.enable",
      `user:${name}`,
      disabled ? { sessionsRevoked } : undefined,
    );
    return view({ ...user, disabled });
  }

  return {
    /** The caller's own account, how it authenticated, and its organizations. */
    async me(caller: Caller) {
      const manager = requireManager(caller);
      const user = await findOrFail(manager.name);
      const orgs = await store.listOrganizations(manager.userId);
      const organizations = await Promise.all(
        orgs.map(async (o) => ({ name: o.name, role: await deps.resolver.organizationRole(caller.principal, o.id) })),
      );
      const p = caller.principal;
      return { ...view(user), via: p.kind, ...(p.kind === "token" ? { tokenName: p.tokenName } : {}), organizations };
    },

    /** Creates a user and its namespace. `forbidden` unless admin; `conflict` when the name is taken. */
    async create(caller: Caller, input: NewUser): Promise<UserView> {
      requireAdmin(caller, "create users");
      await assertNamespaceFree(store, input.name, "user name");
      checkPasswordPolicy(input.password);
      const hash = await hashPassword(input.password);
      const user = await orConflict(
        () => store.createUser(input.name, input.email ?? null, hash, input.admin === true),
        async () => (await store.findUser(input.name)) !== undefined,
        () => nameTaken(input.name),
      );
      try {
        await store.createNamespace({ name: user.name, kind: "user", userId: user.id, orgId: null });
      } catch (error) {
        // An organization or application took the name between the check and here.
        await store.setUserDisabled(user.id, true);
        if (await store.findNamespace(user.name)) throw nameTaken(user.name);
        throw error;
      }
      recordChange(deps, caller, "user.create", `user:${user.name}`, { admin: user.isAdmin });
      return view(user);
    },

    /** Every user, by name. `forbidden` unless admin. */
    async list(caller: Caller): Promise<UserView[]> {
      requireAdmin(caller, "list users");
      return (await store.listUsers()).map(view);
    },

    /** Disables a user (not oneself). */
    disable: (caller: Caller, name: string) => setDisabled(caller, name, true),
    /** Re-enables a disabled user. */
    enable: (caller: Caller, name: string) => setDisabled(caller, name, false),
  };
}
