/**
 * @module
 * `wharf repo set-visibility|grant|revoke|grants`: who may pull a repository
 * or a whole namespace, and per-repository roles for a team or member. An
 * argument without '/' names a namespace; with one, a repository.
 * `wharf repo list|tags|delete`: what is stored, and removing a repository
 * (its tags and manifests; blob bytes stay until a garbage collector runs).
 */
import { type Command, Option } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { confirmedDelete, count, type DeleteOptions, withDeleteOptions } from "./cli-confirm.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { registerImmutableCommands } from "./repo-immutable-command.ts";

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

interface RepositoryRow {
  readonly name: string;
  readonly tags: number;
  readonly manifests: number;
  readonly bytes?: number;
  readonly pushedAt: string | null;
}

interface TagRow {
  readonly tag: string;
  readonly digest: string;
  readonly kind: string;
  readonly size: number | null;
  readonly pushedAt: string;
  readonly platforms?: { platform: string; digest: string; size: number | null }[];
}

/** Bytes for people: 0 B, 812 B, 3.4 KiB, 12.0 MiB… */
function bytes(n: number | null): string {
  if (n === null) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const shortDigest = (digest: string) => digest.slice(0, digest.indexOf(":") + 13);
const when = (iso: string | null) => (iso === null ? null : iso.slice(0, 19).replace("T", " "));

async function list(namespace: string | undefined, options: ApiOptions): Promise<void> {
  const query = namespace === undefined ? "" : `?${new URLSearchParams({ namespace })}`;
  const answer = (await (await connect(options)).request("GET", `/repositories${query}`)) as {
    repositories: RepositoryRow[];
  };
  const rows = answer.repositories.map((r) => [
    r.name,
    r.tags,
    r.manifests,
    bytes(r.bytes ?? null),
    r.bytes ?? "",
    when(r.pushedAt),
  ]);
  emit(options, answer, table(["repository", "tags", "manifests", "size", "bytes", "pushed (utc)"], rows));
}

async function tags(repo: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", `${repoPath(repo)}/tags`)) as { tags: TagRow[] };
  const rows = answer.tags.map((t) => [
    t.tag,
    shortDigest(t.digest),
    t.kind,
    bytes(t.size),
    when(t.pushedAt),
    t.platforms?.map((p) => p.platform).join(",") ?? "",
  ]);
  emit(options, answer, table(["tag", "digest", "kind", "size", "pushed (utc)", "platforms"], rows));
}

interface RepositoryDeletion {
  readonly repository: string;
  readonly tags: number;
  readonly manifests: number;
}

async function deleteRepo(repo: string, options: DeleteOptions): Promise<void> {
  const done = await confirmedDelete<RepositoryDeletion>(repoPath(repo), options, (plan) => [
    `this would delete repository ${plan.repository}: ${count(plan.tags, "tag")}, ${count(plan.manifests, "manifest")}, its visibility setting and grants`,
    "  (blob bytes stay on disk until a garbage collector runs; Wharf has none yet)",
  ]);
  emit(
    options,
    done,
    `Deleted repository ${done.repository} (${count(done.tags, "tag")}, ${count(done.manifests, "manifest")})`,
  );
}

const granteeOptions = (command: Command) =>
  command.option("--team <team>", "a team of the owning organization").option("--user <user>", "a member");

/** Registers `repo …`. */
export function registerRepoCommands(program: Command): void {
  const repo = program.command("repo").description("repositories: list, tags, delete, visibility and grants");
  withApiOptions(
    repo.command("list [namespace]").description("list the repositories you may pull (of one namespace, or all)"),
  ).action(action(list));
  withApiOptions(
    repo.command("tags <repo>").description("list a repository's tags: digest, kind, size, push time, platforms"),
  ).action(action(tags));
  withApiOptions(
    withDeleteOptions(repo.command("delete <repo>").description("delete a repository with its tags and manifests")),
  ).action(action(deleteRepo));
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
  registerImmutableCommands(repo);
}
