/**
 * @module
 * `wharf app create|list`: an organization's applications. The slug becomes
 * a namespace: `docker push <host>/<slug>/<image>:<tag>`.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { confirmedDelete, count, type DeleteOptions, someOf, withDeleteOptions } from "./cli-confirm.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

const appsPath = (org: string) => `/orgs/${encodeURIComponent(org)}/apps`;

async function create(org: string, slug: string, options: ApiOptions): Promise<void> {
  const client = await connect(options);
  const app = await client.request("POST", appsPath(org), { slug });
  const host = new URL(client.server).host;
  emit(options, app, [`Created application ${slug} in ${org}`, `Push images as ${host}/${slug}/<image>:<tag>`]);
}

async function list(org: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", appsPath(org))) as {
    applications: { slug: string; public: boolean }[];
  };
  const rows = answer.applications.map((a) => [a.slug, a.public ? "public" : "private"]);
  emit(options, answer, table(["slug", "visibility"], rows));
}

interface ApplicationDeletion {
  readonly application: string;
  readonly organization: string;
  readonly repositories: string[];
  readonly repositoryCount: number;
}

async function deleteApp(org: string, slug: string, options: DeleteOptions): Promise<void> {
  const path = `${appsPath(org)}/${encodeURIComponent(slug)}`;
  const done = await confirmedDelete<ApplicationDeletion>(path, options, (plan) => [
    `this would delete application ${plan.application} of ${plan.organization} and its namespace,`,
    `  with ${count(plan.repositoryCount, "repository")}${plan.repositoryCount > 0 ? `: ${someOf(plan.repositories, plan.repositoryCount)}` : ""}`,
  ]);
  emit(options, done, `Deleted application ${slug} of ${org} (${count(done.repositoryCount, "repository")})`);
}

/** Registers `app …`. */
export function registerAppCommands(program: Command): void {
  const app = program.command("app").description("manage an organization's applications");
  withApiOptions(app.command("create <org> <slug>").description("create an application (slug: a-z, 0-9, '-')")).action(
    action(create),
  );
  withApiOptions(app.command("list <org>").description("list applications")).action(action(list));
  withApiOptions(
    withDeleteOptions(
      app.command("delete <org> <slug>").description("delete an application and its namespace"),
      "also delete its repositories",
    ),
  ).action(action(deleteApp));
}
