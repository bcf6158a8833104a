/**
 * @module
 * `wharf secret import|check|render`: bringing credentials in from a Docker
 * `config.json`, asking whether a secret can pull an image before a
 * deployment finds out, and rendering what Kubernetes or Docker needs.
 * `check` prints the stable code first on its one line and exits 0 only
 * for `ok`, so scripts can test either; `render` writes the raw text (which
 * holds the password) to standard output and nothing else.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { Option } from "commander";
import { CliError } from "./cli-api.ts";
import { connectOrg, type OrgOptions, orgPath } from "./cli-org.ts";
import { action, emit, table, wantsJson } from "./cli-output.ts";
import { registryLabel, type SecretView } from "./secret-label.ts";

interface CheckResult {
  readonly code: string;
  readonly message: string;
}

interface RenderOptions extends OrgOptions {
  readonly format: "dockerconfigjson" | "k8s" | "kubernetes";
  readonly namespace?: string[];
  readonly name?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function readConfig(file: string): Promise<string> {
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function importConfig(file: string, options: OrgOptions): Promise<void> {
  const config = await readConfig(file);
  const { client, org } = await connectOrg(options);
  const answer = (await client.request("POST", `${orgPath(org, "secrets")}/import`, { config })) as {
    created: SecretView[];
    notes: string[];
  };
  const rows = answer.created.map((s) => [s.name, registryLabel(s), s.username, s.credential]);
  emit(options, answer, [
    `Imported ${answer.created.length} pull secret${answer.created.length === 1 ? "" : "s"} into ${org}`,
    ...(rows.length > 0 ? table(["name", "registry", "username", "credential"], rows) : []),
    ...answer.notes.map((note) => `note: ${note}`),
  ]);
}

async function check(name: string, image: string, options: OrgOptions & { allPlatforms?: boolean }): Promise<void> {
  const { client, org } = await connectOrg(options);
  const body = { image, ...(options.allPlatforms && { allPlatforms: true }) };
  const result = (await client.request("POST", `${orgPath(org, "secrets", name)}/check`, body)) as CheckResult;
  const message = result.message.startsWith(`${result.code}: `)
    ? result.message.slice(result.code.length + 2)
    : result.message;
  emit(options, result, `${result.code} ${message}`);
  if (result.code !== "ok") process.exitCode = 1;
}

async function render(names: string[], options: RenderOptions): Promise<void> {
  const kubernetes = options.format !== "dockerconfigjson";
  if (!kubernetes && (options.namespace !== undefined || options.name !== undefined)) {
    throw new CliError("--namespace and --name apply to --format k8s");
  }
  const { client, org } = await connectOrg(options);
  const body = {
    names,
    format: kubernetes ? "kubernetes" : "dockerconfigjson",
    ...(options.namespace !== undefined && { namespaces: options.namespace }),
    ...(options.name !== undefined && { kubernetesName: options.name }),
  };
  const rendered = (await client.request("POST", `${orgPath(org, "secrets")}/render`, body)) as { text: string };
  if (wantsJson(options)) emit(options, rendered, []);
  else process.stdout.write(rendered.text.endsWith("\n") ? rendered.text : `${rendered.text}\n`);
}

/** Registers `import`, `check` and `render` under `secret`, each given the common options by `common`. */
export function registerSecretUseCommands(secret: Command, common: (command: Command) => Command): void {
  common(
    secret
      .command("import <config.json>")
      .description("create pull secrets from a Docker config.json ('-' reads stdin); prints notes for the rest"),
  ).action(action(importConfig));
  common(
    secret
      .command("check <name> <image>")
      .description("check that a secret can pull an image: prints the code first (ok, E_AUTH, …); exit 0 only for ok")
      .option("--all-platforms", "for a multi-platform image, check every platform's manifest too"),
  ).action(action(check));
  common(
    secret
      .command("render <names...>")
      .description("print secrets (merged) as .dockerconfigjson or Kubernetes Secrets; the output holds the passwords")
      .addOption(
        new Option("--format <format>", "output format")
          .choices(["dockerconfigjson", "k8s", "kubernetes"])
          .default("dockerconfigjson"),
      )
      .option(
        "--namespace <namespace>",
        "k8s: a namespace to render a Secret into; repeatable (default: default)",
        collect,
      )
      .option("--name <name>", "k8s: the Secret's name (default: the secret's own; required to merge several)"),
  ).action(action(render));
}
