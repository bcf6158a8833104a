/**
 * @module
 * `wharf repo set-visibility|grant|revoke|grants`: who may pull a repository
 * or a whole namespace, and per-repository roles for a team or member. An
 * argument without '/' names a namespace; with one, a repository.
 */
import { type Command, Option } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface GranteeOptions extends ApiOptions {
  readonly team?: string;
  readonly user?: string;
}

const repoPath = (name: string) => `/repositories/${name.split("/").map(encodeURIComponent).join("/")}`;

function grantee(options: GranteeOptions): { team: string } | { user: string } {
  if ((options.team === undefined) === (options.user === undefined))
    throw new CliError("give exactly one of --team or --user");
  return options.team !== undefined ? { team: options.team } : { user: options.user! };
}

async function setVisibility(target: string, visibility: string, options: ApiOptions): Promise<void> {
  if (visibility !== "public" && visibility !== "private") throw new CliError("visibility must be public or private");
  const path = target.includes("/") ? repoPath(target) : `/namespaces/${encodeURIComponent(target)}`;
  const answer = await (await connect(options)).request("PUT", `${path}/visibility`, { visibility });
  const what = target.includes("/") ? "repository" : "namespace";
  emit(options, answer, `The ${what} ${target} is now ${visibility}`);
}

async function grant(repo: string, options: GranteeOptions & { role: string }): Promise<void> {
  const who = grantee(options);
  const answer = await (await connect(options)).request("PUT", `${repoPath(repo)}/grants`, {
    ...who,
    role: options.role,
  });
  emit(
    options,
    answer,
    `Granted ${"team" in who ? `team ${who.team}` : `user ${who.user}`} ${options.role} on ${repo}`,
  );
}

async function revoke(repo: string, options: GranteeOptions): Promise<void> {
  const who = grantee(options);
  await (await connect(options)).request("DELETE", `${repoPath(repo)}/grants?${new URLSearchParams(who)}`);
  emit(options, { repository: repo, ...who, revoked: true }, `Removed the grant on ${repo}`);
}

async function grants(repo: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", `${repoPath(repo)}/grants`)) as {
    grants: { team?: string; user?: string; role: string }[];
  };
  const rows = answer.grants.map((g) => [g.team ? `team ${g.team}` : `user ${g.user}`, g.role]);
  emit(options, answer, table(["grantee", "role"], rows));
}

const granteeOptions = (command: Command) =>
  command.option("--team <team>", "a team of the owning organization").option("--user <user>", "a member");

/** Registers `repo …`. */
export function registerRepoCommands(program: Command): void {
  const repo = program.command("repo").description("repository and namespace visibility and grants");
  withApiOptions(
    repo
      .command("set-visibility <target> <visibility>")
      .description("make a repository (namespace/repo) or a whole namespace public or private"),
  ).action(action(setVisibility));
  withApiOptions(
    granteeOptions(
      repo.command("grant <repo>").description("give a team or member a role on one repository"),
    ).addOption(
      new Option("--role <role>", "read, write or admin").choices(["read", "write", "admin"]).makeOptionMandatory(),
    ),
  ).action(action(grant));
  withApiOptions(granteeOptions(repo.command("revoke <repo>").description("remove a grant"))).action(action(revoke));
  withApiOptions(repo.command("grants <repo>").description("list a repository's grants")).action(action(grants));
}
