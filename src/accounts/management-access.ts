/**
 * @module
 * Who may use the management API, and the checks every management service
 * repeats. Deny unless granted: only a user who logged in with a password,
 * or an API token carrying the `api` scope, manages anything — and then
 * exactly as that user. Robots and registry-only tokens are refused, so a
 * CI credential that leaks cannot create users, tokens or grants.
 */
import type {
  AccountsMetadata,
  NamespaceRow,
  NamespaceStore,
  OrganizationRow,
  OrganizationStore,
} from "../metadata/accounts-metadata.ts";
import type { Clock } from "../time/clock.ts";
import type { Principal } from "./access.ts";
import { AccountsError } from "./accounts-error.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Verification } from "./credential-verifier.ts";
import type { PermissionResolver } from "./permission-resolver.ts";

/**
 * What the management services are built from. `S` is the part of the
 * accounts store a service uses: each service declares the smallest one
 * (`Pick`s of the role stores) together with the other fields it reads;
 * only the wiring holds the whole.
 */
export interface ManagementDeps<S = AccountsMetadata> {
  readonly store: S;
  readonly resolver: PermissionResolver;
  readonly audit: AuditLog;
  /**
   * Checks a user's password the way a login does (rate-limited); used to
   * confirm the current password before changing it. When absent, the hash
   * is checked directly (tests).
   */
  readonly checkLogin?: (name: string, password: string, address: string) => Promise<Verification>;
  /** The time source (token expiry); the wall clock when absent. */
  readonly clock?: Clock;
  /** Who may create organizations (`accounts.organizationCreation`); only admins when absent. */
  readonly organizationCreation?: "everyone" | "admins";
}

/** What {@link requireOrganization} reads. */
export type OrganizationCheckDeps = Pick<ManagementDeps<Pick<OrganizationStore, "findOrganization">>, "store"> & {
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
};

/** What {@link requireNamespaceManager} reads. */
export type NamespaceCheckDeps = Pick<ManagementDeps<Pick<NamespaceStore, "findNamespace">>, "store"> & {
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
};

/** What checking a namespace's manager and recording the change read (features managed per application). */
export type ManagedNamespaceDeps = NamespaceCheckDeps & Pick<ManagementDeps, "audit">;

/** The authenticated principal of a management request and the address it came from. */
export interface Caller {
  readonly principal: Principal;
  readonly remote?: string;
}

/** A principal allowed to manage: the user it acts as. */
export interface Manager {
  readonly userId: number;
  readonly name: string;
  readonly isAdmin: boolean;
}

/** A role in an organization for management, weakest first. */
export type OrganizationRole = "member" | "admin" | "owner";

const roleOrder: readonly OrganizationRole[] = ["member", "admin", "owner"];

/** The user `caller` manages as; `forbidden` for anonymous, robots and tokens without the `api` scope. */
export function requireManager(caller: Caller): Manager {
  const p = caller.principal;
  if (p.kind === "user" || (p.kind === "token" && p.api)) return { userId: p.userId, name: p.name, isAdmin: p.isAdmin };
  if (p.kind === "token") {
    throw new AccountsError("forbidden", "this token may not use the management API; create one with --scope api");
  }
  if (p.kind === "robot") {
    throw new AccountsError("forbidden", "robot accounts may not use the management API; log in as a user");
  }
  if (p.kind === "license") throw new AccountsError("forbidden", "a license may only pull images; log in as a user");
  throw new AccountsError("unauthenticated", "log in to use the management API");
}

/** The manager behind `caller` when it is a server administrator; `forbidden` otherwise. */
export function requireAdmin(caller: Caller, what: string): Manager {
  const manager = requireManager(caller);
  if (!manager.isAdmin) throw new AccountsError("forbidden", `only a server administrator may ${what}`);
  return manager;
}

/**
 * The organization `name` when `caller` holds at least `needed` in it.
 * `not-found` when it does not exist; `forbidden` naming the missing role otherwise.
 * Server administrators count as owners everywhere.
 */
export async function requireOrganization(
  deps: OrganizationCheckDeps,
  caller: Caller,
  name: string,
  needed: OrganizationRole,
): Promise<{ org: OrganizationRow; role: OrganizationRole; manager: Manager }> {
  const manager = requireManager(caller);
  const org = await deps.store.findOrganization(name);
  if (!org) throw new AccountsError("not-found", `organization ${JSON.stringify(name)} does not exist`);
  const role = await deps.resolver.organizationRole(caller.principal, org.id);
  if (!role) throw new AccountsError("forbidden", `you are not a member of organization ${JSON.stringify(name)}`);
  if (roleOrder.indexOf(role) < roleOrder.indexOf(needed)) {
    const who = needed === "owner" ? "an owner" : "an owner or a member of an admin team";
    throw new AccountsError("forbidden", `only ${who} of organization ${JSON.stringify(name)} may do this`);
  }
  return { org, role, manager };
}

/**
 * The namespace `name` when `caller` may manage it: its user for a personal
 * namespace, an owner or admin of the owning organization otherwise, and
 * server administrators everywhere. `not-found` when it does not exist.
 */
export async function requireNamespaceManager(
  deps: NamespaceCheckDeps,
  caller: Caller,
  name: string,
): Promise<NamespaceRow> {
  const manager = requireManager(caller);
  const namespace = await deps.store.findNamespace(name);
  if (!namespace) throw new AccountsError("not-found", `namespace ${JSON.stringify(name)} does not exist`);
  if (manager.isAdmin) return namespace;
  if (namespace.kind === "user") {
    if (namespace.userId === manager.userId) return namespace;
    throw new AccountsError("forbidden", `namespace ${JSON.stringify(name)} belongs to another user`);
  }
  const role = await deps.resolver.organizationRole(caller.principal, namespace.orgId!);
  if (role === "owner" || role === "admin") return namespace;
  throw new AccountsError(
    "forbidden",
    `only an owner or a member of an admin team of the organization that owns ${JSON.stringify(name)} may do this`,
  );
}

/** Records a change made by `caller` in the audit log (never pass a secret in `detail`). */
export function recordChange(
  deps: Pick<ManagementDeps, "audit">,
  caller: Caller,
  action: string,
  target: string,
  detail?: unknown,
): void {
  deps.audit.record({ actor: caller.principal.name, action, target, detail, remote: caller.remote });
}
