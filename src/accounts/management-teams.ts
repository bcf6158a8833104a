/**
 * @module
 * Teams inside an organization, each with one role (`read` pulls, `write`
 * also pushes, `admin` also deletes and manages the organization). Members
 * of the organization see its teams; owners and admin-team members manage
 * them. Adding someone to a team also makes them a member of the
 * organization, since team roles only apply to members.
 */

import type { OrganizationRow, TeamRow } from "../metadata/accounts-metadata.ts";
import { assertAccountName } from "./account-names.ts";
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireOrganization } from "./management-access.ts";
import type { TeamManagementDeps } from "./management-deps.ts";
import { orConflict } from "./management-names.ts";
import type { Role } from "./roles.ts";

/** A team as the API shows it. */
export interface TeamView {
  readonly name: string;
  readonly role: Role;
  readonly members: readonly string[];
}

/** Team management. */
export type TeamManagement = ReturnType<typeof createTeamManagement>;

/** Creates the team management service. */
export function createTeamManagement(deps: TeamManagementDeps) {
  const { store } = deps;

  async function teamOrFail(org: OrganizationRow, name: string): Promise<TeamRow> {
    const team = await store.findTeam(org.id, name);
    if (!team) throw new AccountsError("not-found", `team ${JSON.stringify(name)} does not exist in ${org.name}`);
    return team;
  }

  async function manage(caller: Caller, orgName: string, teamName: string) {
    const { org } = await requireOrganization(deps, caller, orgName, "admin");
    return { org, team: await teamOrFail(org, teamName) };
  }

  async function userIdOf(name: string): Promise<number> {
    const user = await store.findUser(name);
    if (!user) throw new AccountsError("not-found", `user ${JSON.stringify(name)} does not exist`);
    return user.id;
  }

  return {
    /** Creates a team. `conflict` when the organization already has one of that name. */
    async create(caller: Caller, orgName: string, name: string, role: Role): Promise<TeamView> {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      assertAccountName(name, "team name");
      const taken = () => new AccountsError("conflict", `${orgName} already has a team ${JSON.stringify(name)}`);
      if (await store.findTeam(org.id, name)) throw taken();
      await orConflict(
        () => store.createTeam(org.id, name, role),
        async () => (await store.findTeam(org.id, name)) !== undefined,
        taken,
      );
      recordChange(deps, caller, "team.create", `team:${orgName}/${name}`, { role });
      return { name, role, members: [] };
    },

    /** The organization's teams and their members; members of the organization only. */
    async list(caller: Caller, orgName: string): Promise<TeamView[]> {
      const { org } = await requireOrganization(deps, caller, orgName, "member");
      return (await store.listTeams(org.id)).map((t) => ({ name: t.name, role: t.role, members: t.members }));
    },

    /** Changes a team's role. */
    async setRole(caller: Caller, orgName: string, teamName: string, role: Role): Promise<TeamView> {
      const { org, team } = await manage(caller, orgName, teamName);
      await store.setTeamRole(team.id, role);
      recordChange(deps, caller, "team.update", `team:${orgName}/${teamName}`, { role });
      const members = (await store.listTeams(org.id)).find((t) => t.id === team.id)?.members ?? [];
      return { name: team.name, role, members };
    },

    /** Deletes a team with its memberships and repository grants. */
    async remove(caller: Caller, orgName: string, teamName: string): Promise<void> {
      const { team } = await manage(caller, orgName, teamName);
      await store.deleteTeam(team.id);
      recordChange(deps, caller, "team.delete", `team:${orgName}/${teamName}`);
    },

    /** Adds an existing user to a team, making them an organization member when they are not. */
    async addMember(caller: Caller, orgName: string, teamName: string, userName: string): Promise<void> {
      const { org, team } = await manage(caller, orgName, teamName);
      const userId = await userIdOf(userName);
      if (!(await store.membership(org.id, userId))) await store.setMembership(org.id, userId, false);
      await store.addTeamMember(team.id, userId);
      recordChange(deps, caller, "team.member.add", `team:${orgName}/${teamName}`, { user: userName });
    },

    /** Removes a user from a team (they stay in the organization). */
    async removeMember(caller: Caller, orgName: string, teamName: string, userName: string): Promise<void> {
      const { team } = await manage(caller, orgName, teamName);
      await store.removeTeamMember(team.id, await userIdOf(userName));
      recordChange(deps, caller, "team.member.remove", `team:${orgName}/${teamName}`, { user: userName });
    },
  };
}
