/**
 * @module
 * What a principal may do on a repository — the one place Wharf decides
 * access. Deny unless granted:
 * - a public repository (its own setting, else its namespace's) lets anyone pull;
 * - a user is admin of their own namespace; a server admin of everything;
 * - in an organization's namespace (its own or an application's), owners are
 *   admin; other members get the strongest role of their teams, unless a
 *   grant on the repository names them or one of their teams, which then
 *   decides instead (a per-repository override);
 * - a token never exceeds its owner and its scopes; a robot gets its scopes,
 *   only inside its organization's namespaces.
 * Nobody but a server admin writes to a namespace that does not exist.
 * Proxy repositories `proxy/<app-slug>/<upstream>/<path>` are read-only and
 * never public: a license pulls them when entitled (the license authority
 * decides, as for the app's own repositories); otherwise only server admins
 * and members with a role on the app's organization namespace (owners or
 * any team role) pull them, so the vendor can test — tokens and robots
 * within their scopes on the proxy name, robots only of that organization.
 */
import type { NamespaceStore, OrganizationStore, TeamStore } from "../metadata/accounts-metadata.ts";
import type { Action, Principal } from "./access.ts";
import type { LicenseAuthority } from "./license-authority.ts";
import { actionsOf, type Role, strongerRole } from "./roles.ts";
import { scopedActions } from "./scope-pattern.ts";

const everything: readonly Action[] = ["pull", "push", "delete"];

/** The namespace of a repository: its first path component. */
export function namespaceOf(repository: string): string {
  const slash = repository.indexOf("/");
  return slash < 0 ? repository : repository.slice(0, slash);
}

/** The permission resolver. */
export type PermissionResolver = ReturnType<typeof createPermissionResolver>;

/**
 * The application slug of a proxy repository name (`proxy/<app>/<upstream>/<path>`;
 * any name under `proxy/<app>/` counts, so nobody ever pushes there), else undefined.
 */
export function proxyAppOf(repository: string): string | undefined {
  const parts = repository.split("/");
  return parts[0] === "proxy" && parts.length >= 2 ? parts[1] : undefined;
}

/** Creates the resolver over the accounts store; `licenses` (optional) decides what licenses may pull. */
export function createPermissionResolver(
  store: NamespaceStore & Pick<OrganizationStore, "membership"> & Pick<TeamStore, "teamsOfUser">,
  licenses?: LicenseAuthority,
) {
  async function isPublic(repository: string): Promise<boolean> {
    const own = await store.repositoryPublic(repository);
    if (own !== undefined) return own;
    return (await store.findNamespace(namespaceOf(repository)))?.public ?? false;
  }

  /** The role a user holds on a repository through its namespace, teams and grants. */
  async function userRole(userId: number, repository: string): Promise<Role | undefined> {
    const namespace = await store.findNamespace(namespaceOf(repository));
    if (!namespace) return undefined;
    if (namespace.kind === "user") return namespace.userId === userId ? "admin" : undefined;
    const orgId = namespace.orgId!;
    const membership = await store.membership(orgId, userId);
    if (membership === "owner") return "admin";
    if (!membership) return undefined;
    const teams = await store.teamsOfUser(orgId, userId);
    const teamIds = new Set(teams.map((t) => t.id));
    const grants = (await store.grantsFor(repository)).filter(
      (g) => g.userId === userId || (g.teamId !== null && teamIds.has(g.teamId)),
    );
    const from = grants.length > 0 ? grants : teams;
    return from.reduce<Role | undefined>((role, g) => strongerRole(role, g.role), undefined);
  }

  /** Pull on a proxy repository of `app`, for anyone but a license (see the module comment). */
  async function proxyActions(principal: Principal, app: string, repository: string): Promise<Set<Action>> {
    const none = new Set<Action>();
    const namespace = await store.findNamespace(app);
    if (namespace?.kind !== "application" || namespace.orgId === null) return none;
    const orgId = namespace.orgId;
    /** Owners, and members of at least one team (every team role reads the organization's namespaces). */
    const reads = async (userId: number) => {
      const membership = await store.membership(orgId, userId);
      return membership === "owner" || (membership === "member" && (await store.teamsOfUser(orgId, userId)).length > 0);
    };
    let pulls = false;
    if (principal.kind === "user" || principal.kind === "token") {
      const member = principal.isAdmin || (await reads(principal.userId));
      const scoped = principal.kind === "token" ? scopedActions(principal.scopes, repository).has("pull") : true;
      pulls = member && scoped;
    } else if (principal.kind === "robot") {
      pulls = principal.orgId === namespace.orgId && scopedActions(principal.scopes, repository).has("pull");
    }
    return pulls ? new Set<Action>(["pull"]) : none;
  }

  async function grantedActions(principal: Principal, repository: string): Promise<Set<Action>> {
    const proxyApp = proxyAppOf(repository);
    if (principal.kind === "license") {
      // Public repositories stay public to a license (a cluster sends it for every image of this host).
      const entitled =
        (licenses !== undefined && (await licenses.canPull(principal, repository))) ||
        (proxyApp === undefined && (await isPublic(repository)));
      return new Set<Action>(entitled ? ["pull"] : []);
    }
    if (proxyApp !== undefined) return proxyActions(principal, proxyApp, repository);
    const allowed = new Set<Action>((await isPublic(repository)) ? ["pull"] : []);
    switch (principal.kind) {
      case "anonymous":
        return allowed;
      case "user":
      case "token": {
        const own = principal.isAdmin ? everything : actionsOf(await userRole(principal.userId, repository));
        const scoped = principal.kind === "token" ? scopedActions(principal.scopes, repository) : undefined;
        for (const action of own) if (!scoped || scoped.has(action)) allowed.add(action);
        return allowed;
      }
      case "robot": {
        const namespace = await store.findNamespace(namespaceOf(repository));
        if (namespace?.orgId !== principal.orgId) return allowed;
        for (const action of scopedActions(principal.scopes, repository)) allowed.add(action);
        return allowed;
      }
    }
  }

  return {
    /** The registry actions `principal` may perform on `repository`. */
    actionsOn: grantedActions,
    /** True when `principal` may pull from `repository`. */
    async canPull(principal: Principal, repository: string): Promise<boolean> {
      return (await grantedActions(principal, repository)).has("pull");
    },
    /** A user's role on an organization for management: owner, admin (an admin team), member, or none. */
    async organizationRole(principal: Principal, orgId: number): Promise<"owner" | "admin" | "member" | undefined> {
      if (principal.kind !== "user" && !(principal.kind === "token" && principal.api)) return undefined;
      if (principal.isAdmin) return "owner";
      const membership = await store.membership(orgId, principal.userId);
      if (membership !== "member") return membership;
      const teams = await store.teamsOfUser(orgId, principal.userId);
      return teams.some((t) => t.role === "admin") ? "admin" : "member";
    },
  };
}
