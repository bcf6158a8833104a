/**
 * @module
 * `wharf external add|list|show|update|test|remove`: an organization's
 * external registries, the upstreams customers pull private images from
 * through `<wharf>/proxy/<app>/<short-name>/<image>:<tag>`. Passwords are
 * read from standard input (`--password-stdin`) or a hidden prompt, never
 * from a flag, and no command prints one — the server never sends it.
 * `test` prints the stable code first on its one line and exits 0 only for
 * `ok`, as `wharf secret check` does.
 */
import type { Command } from "commander";
import { CliError } from "./cli-api.ts";
import { connectOrg, type OrgOptions, orgPath, withOrgOption } from "./cli-org.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { readSecret } from "./read-secret.ts";

/** An external registry as the API shows it (no password). */
interface RegistryView {
  readonly name: string;
  readonly host: string;
  readonly url: string;
  readonly prefix: string;
  readonly insecure: boolean;
  readonly username: string | null;
  readonly keyVersion: number | null;
  readonly updatedAt: string;
}

interface FieldOptions extends OrgOptions {
  readonly registry?: string;
  readonly prefix?: string;
  readonly insecure?: boolean;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly anonymous?: boolean;
  readonly name?: string;
}

const collection = "external-registries";

/** `quay.io/acme`, `127.0.0.1:5001 (plain http)`. */
function where(r: Pick<RegistryView, "host" | "prefix" | "insecure">): string {
  const place = r.prefix === "" ? r.host : `${r.host}/${r.prefix}`;
  return r.insecure ? `${place} (plain http)` : place;
}

async function add(name: string, options: FieldOptions & { registry: string }): Promise<void> {
  if (options.passwordStdin && options.username === undefined) {
    throw new CliError("give --username with --password-stdin (or neither, for anonymous pulls)");
  }
  const password =
    options.username === undefined
      ? undefined
      : await readSecret(options.passwordStdin, `Password for ${options.username}: `);
  const { client, org } = await connectOrg(options);
  const body = {
    name,
    registry: options.registry,
    ...(options.prefix !== undefined && { prefix: options.prefix }),
    ...(options.insecure && { insecure: true }),
    ...(options.username !== undefined && { username: options.username, password }),
  };
  const r = (await client.request("POST", orgPath(org, collection), body)) as RegistryView;
  emit(options, r, `Added external registry ${r.name} in ${org} for ${where(r)}`);
}

async function update(name: string, options: FieldOptions): Promise<void> {
  if (options.anonymous && (options.username !== undefined || options.passwordStdin)) {
    throw new CliError("--anonymous removes the credentials: give no --username or --password-stdin with it");
  }
  const body: Record<string, unknown> = {};
  for (const key of ["name", "registry", "prefix", "insecure", "username"] as const) {
    if (options[key] !== undefined) body[key] = options[key];
  }
  if (options.anonymous) body.username = null;
  if (options.passwordStdin) body.password = await readSecret(true);
  const { client, org } = await connectOrg(options);
  const r = (await client.request("PATCH", orgPath(org, collection, name), body)) as RegistryView;
  emit(options, r, `Updated external registry ${r.name} in ${org} (${Object.keys(body).join(", ")})`);
}

async function list(options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const answer = (await client.request("GET", orgPath(org, collection))) as { registries: RegistryView[] };
  const rows = answer.registries.map((r) => [r.name, where(r), r.username ?? "(anonymous)", r.updatedAt]);
  emit(options, answer, table(["name", "registry", "username", "updated"], rows));
}

async function show(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const r = (await client.request("GET", orgPath(org, collection, name))) as RegistryView;
  const credentials =
    r.username === null
      ? "none (anonymous pulls)"
      : `${r.username}, password encrypted under master key version ${r.keyVersion}`;
  emit(options, r, [
    `External registry ${r.name} (organization ${org})`,
    `host:        ${r.host}`,
    `url:         ${r.url}`,
    `prefix:      ${r.prefix === "" ? "-" : r.prefix}`,
    `credentials: ${credentials}`,
    `proxy path:  <wharf>/proxy/<app>/${r.name}/<image>:<tag>`,
    `updated:     ${r.updatedAt}`,
  ]);
}

async function test(name: string, image: string | undefined, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const body = image === undefined ? {} : { image };
  const result = (await client.request("POST", `${orgPath(org, collection, name)}/test`, body)) as {
    code: string;
    message: string;
  };
  const prefix = `${result.code}: `;
  const message = result.message.startsWith(prefix) ? result.message.slice(prefix.length) : result.message;
  emit(options, result, `${result.code} ${message}`);
  if (result.code !== "ok") process.exitCode = 1;
}

async function remove(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  await client.request("DELETE", orgPath(org, collection, name));
  emit(options, { org, name, removed: true }, `Removed external registry ${name} from ${org}`);
}

/** Adds `--server`, `--output` and `--org`. */
const orgCommand = (command: Command) => withOrgOption(withApiOptions(command));

/** Registers `external …`. */
export function registerExternalCommands(program: Command): void {
  const external = program
    .command("external")
    .description("manage an organization's external registries (upstreams of the pull-through proxy)");
  orgCommand(
    external
      .command("add <name>")
      .description("add an upstream registry under a short name (the password is read from stdin or a prompt)")
      .requiredOption(
        "--registry <url>",
        "quay.io, index.docker.io, ghcr.io, host:port or a URL, optionally with a path",
      )
      .option("--prefix <path>", "the path prefix inside the registry (e.g. acme)")
      .option("--insecure", "the registry serves plain http (allows an http:// URL)")
      .option("--username <user>", "the registry username (leave out for anonymous pulls)")
      .option("--password-stdin", "read the password or access token from standard input"),
  ).action(action(add));
  orgCommand(external.command("list").description("list external registries (never their passwords)")).action(
    action(list),
  );
  orgCommand(external.command("show <name>").description("show one external registry (never its password)")).action(
    action(show),
  );
  orgCommand(
    external
      .command("update <name>")
      .description("change an external registry's short name, endpoint, prefix or credentials")
      .option("--name <new-name>", "a new short name")
      .option("--registry <url>", "a new endpoint (its path, or --prefix, becomes the prefix)")
      .option("--prefix <path>", 'a new path prefix ("" removes it)')
      .option("--insecure", "the registry serves plain http")
      .option("--no-insecure", "the registry serves https")
      .option("--username <user>", "a new username")
      .option("--password-stdin", "read a new password or access token from standard input")
      .option("--anonymous", "remove the credentials (anonymous pulls)"),
  ).action(action(update));
  orgCommand(
    external
      .command("test <name> [image]")
      .description("log in and read the catalog, or one image's manifest (relative to the prefix); prints one line"),
  ).action(action(test));
  orgCommand(external.command("remove <name>").description("remove an external registry")).action(action(remove));
}
