/**
 * @module
 * Organizations and their members. A server administrator — or any user when
 * `accounts.organizationCreation` is `everyone` — creates an organization
 * and becomes its owner; members read it; owners and admin-team members manage
 * its members; only owners make, unmake or remove owners, and the last owner
 * cannot leave (an organization nobody can manage would be stuck).
 */

import type { OrganizationRow, UserRow } from "../metadata/accounts-metadata.ts";
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireManager, requireOrganization } from "./management-access.ts";
import type { OrganizationManagementDeps } from "./management-deps.ts";
import { assertNamespaceFree, nameTaken, orConflict } from "./management-names.ts";

/** An organization in a list, with the caller's role in it. */
export interface OrganizationSummary {
  readonly name: string;
  readonly role: string | undefined;
}

/** Organization management. */
export type OrganizationManagement = ReturnType<typeof createOrganizationManagement>;

/** Creates the organization management service. */
export function createOrganizationManagement(deps: OrganizationManagementDeps) {
  const { store } = deps;

  async function userOrFail(name: string): Promise<UserRow> {
    const user = await store.findUser(name);
    if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(name)} does not exist`);
    return user;
  }

  async function assertNotLastOwner(org: OrganizationRow, userName: string): Promise<void> {
    const owners = (await store.listMembers(org.id)).filter((m) => m.owner);
    if (owners.length === 1 && owners[0]!.name === userName) {
      throw new AccountsError(
        "invalid-input",
        `${userName} is the last owner of ${org.name}; make someone else owner first`,
      );
    }
  }

  return {
    /**
     * Creates an organization owned by the caller, with its namespace.
     * `forbidden` for non-admins unless organization creation is open to everyone;
     * `conflict` when the name is taken.
     */
    async create(caller: Caller, name: string): Promise<OrganizationSummary> {
      const manager = requireManager(caller);
      if (deps.organizationCreation !== "everyone" && !manager.isAdmin) {
        throw new AccountsError(
          "forbidden",
          'only a server administrator may create organizations on this server (accounts.organizationCreation is "admins"); ask one to create it and add you as owner',
        );
      }
      await assertNamespaceFree(store, name, "organization name");
      const org = await orConflict(
        () => store.createOrganization(name, manager.userId),
        async () => (await store.findOrganization(name)) !== undefined,
        () => nameTaken(name),
      );
      await orConflict(
        () => store.createNamespace({ name, kind: "organization", userId: null, orgId: org.id }),
        async () => (await store.findNamespace(name)) !== undefined,
        () => nameTaken(name),
      );
      recordChange(deps, caller, "org.create", `org:${name}`);
      return { name, role: "owner" };
    },

    /** The caller's organizations (every organization for a server administrator). */
    async list(caller: Caller): Promise<OrganizationSummary[]> {
      const manager = requireManager(caller);
      const orgs = await store.listOrganizations(manager.isAdmin ? undefined : manager.userId);
      return Promise.all(
        orgs.map(async (o) => ({ name: o.name, role: await deps.resolver.organizationRole(caller.principal, o.id) })),
      );
    },

    /** An organization's members, teams and namespaces; members only. */
    async get(caller: Caller, name: string) {
      const { org, role } = await requireOrganization(deps, caller, name, "member");
      const [members, teams, namespaces] = await Promise.all([
        store.listMembers(org.id),
        store.listTeams(org.id),
        store.listNamespaces(org.id),
      ]);
      return {
        name: org.name,
        role,
        members,
        teams: teams.map((t) => ({ name: t.name, role: t.role, members: t.members })),
        applications: namespaces.filter((n) => n.kind === "application").map((n) => n.name),
        namespaces: namespaces.map((n) => ({ name: n.name, kind: n.kind, public: n.public })),
      };
    },

    /**
     * Adds `userName` to the organization or changes whether they are an owner.
     * `owner` undefined keeps an existing member's standing (new members are not owners).
     */
    async setMember(caller: Caller, orgName: string, userName: string, owner?: boolean) {
      const { org, role } = await requireOrganization(deps, caller, orgName, "admin");
      const user = await userOrFail(userName);
      const current = await store.membership(org.id, user.id);
      const makeOwner = owner ?? current === "owner";
      if (makeOwner !== (current === "owner") && role !== "owner") {
        throw new AccountsError("forbidden", `only an owner of ${orgName} may make or unmake owners`);
      }
      if (current === "owner" && !makeOwner) await assertNotLastOwner(org, userName);
      await store.setMembership(org.id, user.id, makeOwner);
      recordChange(deps, caller, "org.member.set", `org:${orgName}`, { user: userName, owner: makeOwner });
      return { name: userName, owner: makeOwner };
    },

    /** Removes a member (and their team memberships). Members may remove themselves. */
    async removeMember(caller: Caller, orgName: string, userName: string): Promise<void> {
      const self = requireManager(caller).name === userName;
      const { org, role } = await requireOrganization(deps, caller, orgName, self ? "member" : "admin");
      const user = await userOrFail(userName);
      const current = await store.membership(org.id, user.id);
      if (!current) throw new AccountsError("not-found", `${userName} is not a member of ${orgName}`);
      if (current === "owner" && role !== "owner") {
        throw new AccountsError("forbidden", `only an owner of ${orgName} may remove an owner`);
      }
      if (current === "owner") await assertNotLastOwner(org, userName);
      await store.removeMember(org.id, user.id);
      recordChange(deps, caller, "org.member.remove", `org:${orgName}`, { user: userName });
    },
  };
}
