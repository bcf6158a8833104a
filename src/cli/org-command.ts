/**
 * @module
 * `wharf org create|list|show|add-member|remove-member`: organizations and
 * their members. A server administrator (or any user when
 * `accounts.organizationCreation` is `everyone`) creates an organization and
 * becomes its owner.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { confirmedDelete, count, type DeleteOptions, someOf, withDeleteOptions } from "./cli-confirm.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface Organization {
  readonly name: string;
  readonly role: string;
  readonly members: { name: string; owner: boolean }[];
  readonly teams: { name: string; role: string; members: string[] }[];
  readonly namespaces: { name: string; kind: string; public: boolean }[];
}

const path = (org: string) => `/orgs/${encodeURIComponent(org)}`;

async function create(name: string, options: ApiOptions): Promise<void> {
  const org = await (await connect(options)).request("POST", "/orgs", { name });
  emit(options, org, `Created organization ${name}; you are its owner`);
}

async function list(options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", "/orgs")) as {
    organizations: { name: string; role: string }[];
  };
  emit(
    options,
    answer,
    table(
      ["name", "role"],
      answer.organizations.map((o) => [o.name, o.role]),
    ),
  );
}

async function show(name: string, options: ApiOptions): Promise<void> {
  const org = (await (await connect(options)).request("GET", path(name))) as Organization;
  emit(options, org, [
    `Organization ${org.name} (your role: ${org.role})`,
    "",
    ...table(
      ["member", "owner"],
      org.members.map((m) => [m.name, m.owner ? "yes" : "no"]),
    ),
    "",
    ...table(
      ["team", "role", "members"],
      org.teams.map((t) => [t.name, t.role, t.members.join(",")]),
    ),
    "",
    ...table(
      ["namespace", "kind", "visibility"],
      org.namespaces.map((n) => [n.name, n.kind, n.public ? "public" : "private"]),
    ),
  ]);
}

async function addMember(org: string, user: string, options: ApiOptions & { owner?: boolean }): Promise<void> {
  const body = options.owner ? { owner: true } : {};
  const member = (await (
    await connect(options)
  ).request("PUT", `${path(org)}/members/${encodeURIComponent(user)}`, body)) as {
    owner: boolean;
  };
  emit(options, member, `${user} is ${member.owner ? "an owner" : "a member"} of ${org}`);
}

async function removeMember(org: string, user: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `${path(org)}/members/${encodeURIComponent(user)}`);
  emit(options, { org, user, removed: true }, `Removed ${user} from ${org}`);
}

interface OrganizationDeletion {
  readonly organization: string;
  readonly applications: string[];
  readonly repositories: string[];
  readonly repositoryCount: number;
  readonly members: number;
  readonly teams: number;
  readonly robots: number;
}

async function deleteOrg(name: string, options: DeleteOptions): Promise<void> {
  const done = await confirmedDelete<OrganizationDeletion>(path(name), options, (plan) => [
    `this would delete organization ${plan.organization} with:`,
    `  ${count(plan.members, "member")} (the users stay), ${count(plan.teams, "team")}, ${count(plan.robots, "robot")}`,
    `  applications: ${plan.applications.length > 0 ? plan.applications.join(", ") : "none"}`,
    `  ${count(plan.repositoryCount, "repository")}${plan.repositoryCount > 0 ? `: ${someOf(plan.repositories, plan.repositoryCount)}` : ""}`,
    "  its pull secrets and services",
  ]);
  emit(options, done, `Deleted organization ${done.organization} (${count(done.repositoryCount, "repository")})`);
}

/** Registers `org …`. */
export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("manage organizations and their members");
  withApiOptions(org.command("create <org>").description("create an organization")).action(action(create));
  withApiOptions(org.command("list").description("list your organizations")).action(action(list));
  withApiOptions(org.command("show <org>").description("show members, teams and namespaces")).action(action(show));
  withApiOptions(
    org
      .command("add-member <org> <user>")
      .description("add a member (or change an existing member to owner with --owner)")
      .option("--owner", "make the user an owner"),
  ).action(action(addMember));
  withApiOptions(org.command("remove-member <org> <user>").description("remove a member")).action(action(removeMember));
  withApiOptions(
    withDeleteOptions(
      org.command("delete <org>").description("delete an organization and everything in it (owners)"),
      "also delete its repositories",
    ),
  ).action(action(deleteOrg));
}
