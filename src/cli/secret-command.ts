/**
 * @module
 * `wharf secret create|list|show|update|rename|delete` (and, from
 * secret-use-command.ts, `import|check|render`): an organization's pull
 * secrets. Passwords are read from standard input (`--password-stdin`) or a
 * hidden prompt, never from a flag, and no command but `render` ever prints
 * one — the server never sends it.
 */
import type { Command } from "commander";
import { CliError } from "./cli-api.ts";
import { connectOrg, type OrgOptions, orgPath, withOrgOption } from "./cli-org.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { readSecret } from "./read-secret.ts";
import { registryLabel, type SecretView } from "./secret-label.ts";
import { registerSecretUseCommands } from "./secret-use-command.ts";

interface FieldOptions extends OrgOptions {
  readonly dockerHub?: boolean;
  readonly registry?: string;
  readonly insecure?: boolean;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly email?: string;
}

/** The registry fields of a create or update; CliError when --docker-hub and --registry are both given. */
function registryFields(options: FieldOptions): Record<string, unknown> {
  if (options.dockerHub && options.registry !== undefined) {
    throw new CliError("give either --docker-hub or --registry <url>, not both");
  }
  if (options.dockerHub && options.insecure) throw new CliError("--insecure is for a private registry (--registry)");
  const fields: Record<string, unknown> = {};
  if (options.dockerHub) fields.kind = "docker-hub";
  if (options.registry !== undefined) Object.assign(fields, { kind: "private-registry", registry: options.registry });
  if (options.insecure !== undefined) fields.insecure = options.insecure;
  return fields;
}

async function create(name: string, options: FieldOptions & { username: string }): Promise<void> {
  if (!options.dockerHub && options.registry === undefined) {
    throw new CliError("say where the credentials are for: --docker-hub, or --registry <url> for a private registry");
  }
  const fields = registryFields(options);
  const password = await readSecret(options.passwordStdin, `Password for ${options.username}: `);
  const { client, org } = await connectOrg(options);
  const body = {
    name,
    ...fields,
    username: options.username,
    password,
    ...(options.email && { email: options.email }),
  };
  const secret = (await client.request("POST", orgPath(org, "secrets"), body)) as SecretView;
  emit(options, secret, `Created pull secret ${secret.name} in ${org} for ${registryLabel(secret)}`);
}

async function update(name: string, options: FieldOptions): Promise<void> {
  const body: Record<string, unknown> = registryFields(options);
  if (options.username !== undefined) body.username = options.username;
  if (options.email !== undefined) body.email = options.email;
  if (options.passwordStdin) body.password = await readSecret(true);
  const { client, org } = await connectOrg(options);
  const secret = (await client.request("PATCH", orgPath(org, "secrets", name), body)) as SecretView;
  emit(options, secret, `Updated pull secret ${secret.name} in ${org} (${Object.keys(body).join(", ")})`);
}

async function list(options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const answer = (await client.request("GET", orgPath(org, "secrets"))) as { secrets: SecretView[] };
  const rows = answer.secrets.map((s) => [s.name, registryLabel(s), s.username, s.email, s.credential, s.updatedAt]);
  emit(options, answer, table(["name", "registry", "username", "email", "credential", "updated"], rows));
}

async function show(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const s = (await client.request("GET", orgPath(org, "secrets", name))) as SecretView;
  emit(options, s, [
    `Pull secret ${s.name} (organization ${org})`,
    `registry:    ${registryLabel(s)} (${s.registry})`,
    `username:    ${s.username}`,
    `email:       ${s.email ?? "-"}`,
    `credential:  ${s.credential}, encrypted under master key version ${s.keyVersion}`,
    `updated:     ${s.updatedAt}`,
  ]);
}

async function rename(name: string, newName: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const secret = await client.request("POST", `${orgPath(org, "secrets", name)}/rename`, { name: newName });
  emit(options, secret, `Renamed pull secret ${name} to ${newName} in ${org}`);
}

async function remove(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  await client.request("DELETE", orgPath(org, "secrets", name));
  emit(options, { org, name, deleted: true }, `Deleted pull secret ${name} from ${org}`);
}

/** Adds `--server`, `--output` and `--org`. */
const orgCommand = (command: Command) => withOrgOption(withApiOptions(command));

/** Registers `secret …`. */
export function registerSecretCommands(program: Command): void {
  const secret = program.command("secret").description("manage an organization's registry pull secrets");
  orgCommand(
    secret
      .command("create <name>")
      .description("store credentials for a registry (the password is read from stdin or a prompt)")
      .option("--docker-hub", "the credentials are for Docker Hub")
      .option("--registry <url>", "a private registry: host, host:port or https://host[:port][/path]")
      .option("--insecure", "the private registry serves plain http (allows an http:// URL)")
      .requiredOption("--username <user>", "the registry username")
      .option("--password-stdin", "read the password or access token from standard input")
      .option("--email <email>", "an e-mail address to store with it"),
  ).action(action(create));
  orgCommand(secret.command("list").description("list pull secrets (never their passwords)")).action(action(list));
  orgCommand(secret.command("show <name>").description("show one pull secret (never its password)")).action(
    action(show),
  );
  orgCommand(
    secret
      .command("update <name>")
      .description("change a pull secret's username, password, e-mail or registry")
      .option("--username <user>", "a new username")
      .option("--password-stdin", "read a new password or access token from standard input")
      .option("--email <email>", 'a new e-mail ("" removes it)')
      .option("--docker-hub", "the credentials are for Docker Hub")
      .option("--registry <url>", "a private registry URL")
      .option("--insecure", "the registry serves plain http")
      .option("--no-insecure", "the registry serves https"),
  ).action(action(update));
  orgCommand(secret.command("rename <name> <new-name>").description("rename a pull secret")).action(action(rename));
  orgCommand(secret.command("delete <name>").description("delete a pull secret no service uses")).action(
    action(remove),
  );
  registerSecretUseCommands(secret, orgCommand);
}
