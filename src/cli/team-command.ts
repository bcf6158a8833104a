/**
 * @module
 * `wharf team create|list|add|remove|set-role|delete`: teams inside an
 * organization, each with a role: read (pull), write (pull, push), admin
 * (also delete and manage the organization).
 */
import { type Command, Option } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { type DeleteOptions, notConfirmed, withDeleteOptions } from "./cli-confirm.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

const teamPath = (org: string, team: string) => `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(team)}`;
const roleOption = () =>
  new Option("--role <role>", "read, write or admin").choices(["read", "write", "admin"]).makeOptionMandatory();

async function create(org: string, name: string, options: ApiOptions & { role: string }): Promise<void> {
  const client = await connect(options);
  const team = await client.request("POST", `/orgs/${encodeURIComponent(org)}/teams`, { name, role: options.role });
  emit(options, team, `Created team ${org}/${name} with role ${options.role}`);
}

async function list(org: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", `/orgs/${encodeURIComponent(org)}/teams`)) as {
    teams: { name: string; role: string; members: string[] }[];
  };
  emit(
    options,
    answer,
    table(
      ["team", "role", "members"],
      answer.teams.map((t) => [t.name, t.role, t.members.join(",")]),
    ),
  );
}

async function add(org: string, team: string, user: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("PUT", `${teamPath(org, team)}/members/${encodeURIComponent(user)}`);
  emit(options, { org, team, user, added: true }, `Added ${user} to team ${org}/${team}`);
}

async function remove(org: string, team: string, user: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `${teamPath(org, team)}/members/${encodeURIComponent(user)}`);
  emit(options, { org, team, user, removed: true }, `Removed ${user} from team ${org}/${team}`);
}

async function setRole(org: string, team: string, options: ApiOptions & { role: string }): Promise<void> {
  const answer = await (await connect(options)).request("PATCH", teamPath(org, team), { role: options.role });
  emit(options, answer, `Team ${org}/${team} now has role ${options.role}`);
}

async function deleteTeam(org: string, team: string, options: DeleteOptions): Promise<void> {
  const client = await connect(options);
  if (!options.yes) {
    const { teams } = (await client.request("GET", `/orgs/${encodeURIComponent(org)}/teams`)) as {
      teams: { name: string; role: string; members: string[] }[];
    };
    const found = teams.find((t) => t.name === team);
    if (!found) throw new CliError(`team ${JSON.stringify(team)} does not exist in ${org}`);
    const members = found.members.length > 0 ? found.members.join(", ") : "no members";
    throw notConfirmed([
      `this would delete team ${org}/${team} (role ${found.role}; ${members}) and its repository grants; the users stay`,
    ]);
  }
  await client.request("DELETE", teamPath(org, team));
  emit(options, { org, team, deleted: true }, `Deleted team ${org}/${team}`);
}

/** Registers `team …`. */
export function registerTeamCommands(program: Command): void {
  const team = program.command("team").description("manage an organization's teams");
  withApiOptions(team.command("create <org> <team>").description("create a team").addOption(roleOption())).action(
    action(create),
  );
  withApiOptions(team.command("list <org>").description("list teams and members")).action(action(list));
  withApiOptions(team.command("add <org> <team> <user>").description("add a user to a team")).action(action(add));
  withApiOptions(team.command("remove <org> <team> <user>").description("remove a user from a team")).action(
    action(remove),
  );
  withApiOptions(
    team.command("set-role <org> <team>").description("change a team's role").addOption(roleOption()),
  ).action(action(setRole));
  withApiOptions(withDeleteOptions(team.command("delete <org> <team>").description("delete a team"))).action(
    action(deleteTeam),
  );
}
