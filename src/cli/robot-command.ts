/**
 * @module
 * `wharf robot create|list|revoke`: an organization's machine accounts. A
 * robot logs in as `<org>+<name>` with the secret `create` prints once (alone
 * on the last line in text mode); its scopes stay inside the organization.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface Robot {
  readonly name: string;
  readonly username: string;
  readonly scopes: string[];
  readonly state: string;
  readonly createdAt: string;
}

const robotsPath = (org: string) => `/orgs/${encodeURIComponent(org)}/robots`;
const collect = (value: string, previous: string[] = []) => [...previous, value];

async function create(org: string, name: string, options: ApiOptions & { scope: string[] }): Promise<void> {
  const client = await connect(options);
  const robot = (await client.request("POST", robotsPath(org), { name, scopes: options.scope })) as Robot & {
    secret: string;
  };
  emit(options, robot, [
    `Created robot ${robot.username} (scopes ${robot.scopes.join(" ")})`,
    `Log in with: docker login ${new URL(client.server).host} -u '${robot.username}' --password-stdin`,
    "Copy the secret now: it will not be shown again.",
    robot.secret,
  ]);
}

async function list(org: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", robotsPath(org))) as { robots: Robot[] };
  const rows = answer.robots.map((r) => [r.username, r.state, r.scopes.join(" "), r.createdAt]);
  emit(options, answer, table(["username", "state", "scopes", "created"], rows));
}

async function revoke(org: string, name: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `${robotsPath(org)}/${encodeURIComponent(name)}`);
  emit(options, { org, name, revoked: true }, `Revoked robot ${org}+${name}`);
}

/** Registers `robot …`. */
export function registerRobotCommands(program: Command): void {
  const robot = program.command("robot").description("manage an organization's robot accounts");
  withApiOptions(
    robot
      .command("create <org> <name>")
      .description("create a robot (its secret is printed once)")
      .requiredOption("--scope <scope>", "<org-or-app-namespace>/*:<pull,push,delete>; repeatable", collect),
  ).action(action(create));
  withApiOptions(robot.command("list <org>").description("list robots (never their secrets)")).action(action(list));
  withApiOptions(robot.command("revoke <org> <name>").description("revoke a robot")).action(action(revoke));
}
