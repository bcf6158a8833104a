/**
 * @module
 * Visibility and per-repository grants. A namespace or a single repository
 * is `public` (anyone pulls, nobody anonymous pushes) or `private`; a
 * repository's own setting wins over its namespace's. Who may change either
 * is who manages the namespace: its user, or the owning organization's
 * owners and admins. Grants give a team or a member of that organization a
 * role on one repository, overriding the organization's team roles there.
 */

import type { NamespaceRow } from "../metadata/accounts-metadata.ts";
import { isValidRepositoryName } from "../reference/grammar.ts";
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireNamespaceManager } from "./management-access.ts";
import type { RepositoryManagementDeps } from "./management-deps.ts";
import { namespaceOf } from "./permission-resolver.ts";
import type { Role } from "./roles.ts";

/** Public or private. */
export type Visibility = "public" | "private";

/** Whom a grant names: exactly one of a team (of the owning organization) or a user. */
export type Grantee =
  | { readonly team: string; readonly user?: undefined }
  | { readonly user: string; readonly team?: undefined };

/** Repository management. */
export type RepositoryManagement = ReturnType<typeof createRepositoryManagement>;

/** Creates the repository management service. */
export function createRepositoryManagement(deps: RepositoryManagementDeps) {
  const { store } = deps;

  async function manageRepository(caller: Caller, repository: string): Promise<NamespaceRow> {
    if (!isValidRepositoryName(repository)) {
      throw new AccountsError("invalid-input", `${JSON.stringify(repository.slice(0, 100))} is not a repository name`);
    }
    return requireNamespaceManager(deps, caller, namespaceOf(repository));
  }

  async function orgNamespace(caller: Caller, repository: string): Promise<NamespaceRow & { orgId: number }> {
    const namespace = await manageRepository(caller, repository);
    if (namespace.orgId === null) {
      throw new AccountsError("invalid-input", "grants apply to organization and application repositories only");
    }
    return { ...namespace, orgId: namespace.orgId };
  }

  async function granteeIds(orgId: number, grantee: Grantee, mustBeMember: boolean) {
    if (grantee.team !== undefined) {
      const team = await store.findTeam(orgId, grantee.team);
      if (!team) throw new AccountsError("not-found", `team ${JSON.stringify(grantee.team)} does not exist`);
      return { teamId: team.id, userId: null };
    }
    const user = await store.findUser(grantee.user);
    if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(grantee.user)} does not exist`);
    if (mustBeMember && !(await store.membership(orgId, user.id))) {
      throw new AccountsError("invalid-input", `${grantee.user} is not a member of the organization; add them first`);
    }
    return { teamId: null, userId: user.id };
  }

  return {
    /** Makes a whole namespace public or private. */
    async setNamespaceVisibility(caller: Caller, namespace: string, visibility: Visibility) {
      await requireNamespaceManager(deps, caller, namespace);
      await store.setNamespacePublic(namespace, visibility === "public");
      recordChange(deps, caller, "namespace.visibility", `namespace:${namespace}`, { visibility });
      return { namespace, visibility };
    },

    /** Makes one repository public or private, overriding its namespace. */
    async setRepositoryVisibility(caller: Caller, repository: string, visibility: Visibility) {
      await manageRepository(caller, repository);
      await store.setRepositoryPublic(repository, visibility === "public");
      recordChange(deps, caller, "repository.visibility", `repository:${repository}`, { visibility });
      return { repository, visibility };
    },

    /** The repository's grants, by team or user name: teams first, then users, each in the order its team or user was created. */
    async listGrants(caller: Caller, repository: string) {
      const namespace = await orgNamespace(caller, repository);
      const teams = new Map((await store.listTeams(namespace.orgId)).map((t) => [t.id, t.name]));
      const grants = await store.grantsFor(repository);
      return Promise.all(
        grants.map(async (g) =>
          g.teamId !== null
            ? { team: teams.get(g.teamId) ?? String(g.teamId), role: g.role }
            : { user: (await store.findUserById(g.userId!))?.name ?? String(g.userId), role: g.role },
        ),
      );
    },

    /** Gives a team or member `role` on the repository (replacing an earlier grant to them). */
    async grant(caller: Caller, repository: string, grantee: Grantee, role: Role) {
      const namespace = await orgNamespace(caller, repository);
      const ids = await granteeIds(namespace.orgId, grantee, true);
      await store.setGrant({ repository, ...ids, role });
      recordChange(deps, caller, "repository.grant", `repository:${repository}`, { ...grantee, role });
      return { repository, ...grantee, role };
    },

    /** Removes a grant; the team's or member's organization role applies again. */
    async revokeGrant(caller: Caller, repository: string, grantee: Grantee): Promise<void> {
      const namespace = await orgNamespace(caller, repository);
      const ids = await granteeIds(namespace.orgId, grantee, false);
      await store.removeGrant(repository, ids.teamId, ids.userId);
      recordChange(deps, caller, "repository.revoke-grant", `repository:${repository}`, { ...grantee });
    },
  };
}
