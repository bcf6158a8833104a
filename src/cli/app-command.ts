/**
 * @module
 * `wharf app create|list`: an organization's applications. The slug becomes
 * a namespace: `docker push <host>/<slug>/<image>:<tag>`.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
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

/** Registers `app …`. */
export function registerAppCommands(program: Command): void {
  const app = program.command("app").description("manage an organization's applications");
  withApiOptions(app.command("create <org> <slug>").description("create an application (slug: a-z, 0-9, '-')")).action(
    action(create),
  );
  withApiOptions(app.command("list <org>").description("list applications")).action(action(list));
}
