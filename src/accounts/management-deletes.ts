/**
 * @module
 * Deleting users, organizations and applications. The rules:
 * - a user is deleted by a server administrator, never oneself, never the
 *   last enabled administrator; their API tokens go with them (so every CLI
 *   session and refresh token stops working; bearer tokens already issued
 *   expire within `auth.tokenTtl`), and so do their memberships, team
 *   memberships, grants and personal namespace. A user who is the only
 *   owner of an organization is not deleted: make someone else owner or
 *   delete the organization first (an organization nobody can manage would
 *   be stuck).
 * - an organization is deleted by its owners (and server administrators),
 *   with its members, teams, robots, applications, pull secrets and services.
 * - an application is deleted by its organization's owners and admins.
 * - anything that still holds repositories is refused unless `force`, which
 *   deletes those repositories too (tags, manifests, settings and grants;
 *   blob bytes wait for a garbage collector).
 * Every delete can be a dry run that checks the same rules and answers what
 * it would delete; the CLI shows that when `--yes` is missing.
 */
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireAdmin, requireOrganization } from "./management-access.ts";
import type { DeleteManagementDeps } from "./management-deps.ts";

/** How a delete runs. */
export interface DeleteOptions {
  /** Also delete the repositories it holds. */
  readonly force?: boolean;
  /** Check and describe, delete nothing. */
  readonly dryRun?: boolean;
}

const maxNamed = 50;

/** Account deletes. */
export type DeleteManagement = ReturnType<typeof createDeleteManagement>;

/** Creates the delete services. */
export function createDeleteManagement(deps: DeleteManagementDeps) {
  const { store, contents, registry, removal } = deps;

  async function repositoriesIn(namespaces: readonly string[]): Promise<string[]> {
    const names: string[] = [];
    for (const namespace of namespaces)
      names.push(...(await contents.summaries(namespace, 100_000)).map((r) => r.name));
    return names;
  }

  function assertNoRepositories(what: string, repositories: readonly string[], options: DeleteOptions): void {
    if (repositories.length === 0 || options.force) return;
    const shown = repositories.slice(0, 10).join(", ") + (repositories.length > 10 ? ", …" : "");
    throw new AccountsError(
      "conflict",
      `${what} still holds ${repositories.length} ${repositories.length === 1 ? "repository" : "repositories"} (${shown}); delete them first, or force the delete (--force, ?force=true) to remove them too`,
    );
  }

  async function deleteRepositories(namespaces: readonly string[]): Promise<number> {
    let count = 0;
    for (const namespace of namespaces) {
      for (let batch = await contents.summaries(namespace, 500); batch.length > 0; ) {
        let removed = 0;
        for (const row of batch) if (await registry.deleteRepository(row.name)) removed++;
        count += removed;
        // A push racing the delete may recreate a repository; never loop on it.
        batch = removed > 0 ? await contents.summaries(namespace, 500) : [];
      }
      await removal.forgetRepositories(namespace, "namespace");
    }
    return count;
  }

  return {
    /** Deletes user `name` (server administrators). */
    async user(caller: Caller, name: string, options: DeleteOptions = {}) {
      const manager = requireAdmin(caller, "delete users");
      const user = await store.findUser(name);
      if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(name)} does not exist`);
      if (user.id === manager.userId) throw new AccountsError("invalid-input", "you cannot delete yourself");
      const admins = (await store.listUsers()).filter((u) => u.isAdmin && !u.disabled && u.id !== user.id);
      if (user.isAdmin && admins.length === 0) {
        throw new AccountsError(
          "invalid-input",
          `${name} is the last server administrator; make another user admin first`,
        );
      }
      const orgs = await store.listOrganizations(user.id);
      const soleOwner: string[] = [];
      for (const org of orgs) {
        const owners = (await store.listMembers(org.id)).filter((m) => m.owner);
        if (owners.length === 1 && owners[0]!.name === name) soleOwner.push(org.name);
      }
      if (soleOwner.length > 0) {
        throw new AccountsError(
          "conflict",
          `${name} is the only owner of ${soleOwner.join(", ")}; make another member owner or delete ${soleOwner.length > 1 ? "those organizations" : "that organization"} first`,
        );
      }
      const namespace = await store.findNamespace(name);
      const own = namespace?.kind === "user" && namespace.userId === user.id ? [name] : [];
      const repositories = await repositoriesIn(own);
      assertNoRepositories(`user ${name}'s namespace`, repositories, options);
      const tokens = (await store.listTokens(user.id)).filter((t) => t.revokedAt === null).length;
      const plan = {
        user: name,
        organizations: orgs.map((o) => o.name),
        repositories: repositories.slice(0, maxNamed),
        repositoryCount: repositories.length,
        tokens,
      };
      if (options.dryRun) return { ...plan, deleted: false };
      await deleteRepositories(own);
      await removal.deleteUser(user.id);
      recordChange(deps, caller, "user.delete", `user:${name}`, { repositories: repositories.length, tokens });
      return { ...plan, deleted: true };
    },

    /** Deletes organization `name` with everything in it (its owners). */
    async organization(caller: Caller, name: string, options: DeleteOptions = {}) {
      const { org } = await requireOrganization(deps, caller, name, "owner");
      const [namespaces, members, teams, robots] = await Promise.all([
        store.listNamespaces(org.id),
        store.listMembers(org.id),
        store.listTeams(org.id),
        store.listRobots(org.id),
      ]);
      const names = namespaces.map((n) => n.name);
      const repositories = await repositoriesIn(names);
      assertNoRepositories(`organization ${name}`, repositories, options);
      const plan = {
        organization: name,
        applications: namespaces.filter((n) => n.kind === "application").map((n) => n.name),
        repositories: repositories.slice(0, maxNamed),
        repositoryCount: repositories.length,
        members: members.length,
        teams: teams.length,
        robots: robots.filter((r) => r.revokedAt === null).length,
      };
      if (options.dryRun) return { ...plan, deleted: false };
      await deleteRepositories(names);
      await removal.deleteOrganization(org.id);
      recordChange(deps, caller, "org.delete", `org:${name}`, { repositories: repositories.length });
      return { ...plan, deleted: true };
    },

    /** Deletes application `slug` of organization `orgName` (its owners and admins). */
    async application(caller: Caller, orgName: string, slug: string, options: DeleteOptions = {}) {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      const namespace = await store.findNamespace(slug);
      if (namespace?.kind !== "application" || namespace.orgId !== org.id) {
        throw new AccountsError("not-found", `${orgName} has no application ${JSON.stringify(slug)}`);
      }
      const repositories = await repositoriesIn([slug]);
      assertNoRepositories(`application ${slug}`, repositories, options);
      const plan = {
        application: slug,
        organization: orgName,
        repositories: repositories.slice(0, maxNamed),
        repositoryCount: repositories.length,
      };
      if (options.dryRun) return { ...plan, deleted: false };
      await deleteRepositories([slug]);
      await removal.deleteNamespace(slug);
      recordChange(deps, caller, "app.delete", `app:${slug}`, {
        organization: orgName,
        repositories: repositories.length,
      });
      return { ...plan, deleted: true };
    },
  };
}
