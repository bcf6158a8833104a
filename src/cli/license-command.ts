/**
 * @module
 * `wharf license create|list|show|revoke|extend|pulls|pull-secret`: customer
 * licenses. `create` prints the license id — the customer's username and
 * password — alone on its last line, once; Wharf keeps only its hash. Other
 * commands take the license's public handle (`lic_…`) or the id itself (the
 * CLI turns it into the handle locally: the id never travels in a URL), and
 * find the application themselves when `--app` is not given.
 * `pull-secret` needs the id (`-` reads it from standard input).
 */
import type { Command } from "commander";
import { hashLicenseId, looksLikeLicenseId, publicIdOf } from "../licensing/license-id.ts";
import { type ApiClient, type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { fieldLines, parseFieldAssignments, registerLicenseFieldCommands } from "./license-field-commands.ts";
import { type LicenseRecord, licenseRows, licenseTableHeaders } from "./license-table.ts";
import { readSecret } from "./read-secret.ts";

type Options = ApiOptions & { app?: string };

const collect = (value: string, previous: string[] = []) => [...previous, value];
const licensesPath = (app: string) => `/apps/${encodeURIComponent(app)}/licenses`;

/** The public handle for `given` (a handle, or a license id hashed here). */
function handleOf(given: string): string {
  const text = given.trim();
  if (looksLikeLicenseId(text)) return publicIdOf(hashLicenseId(text));
  if (/^lic_[0-9a-f]{16}$/.test(text)) return text;
  throw new CliError(`${JSON.stringify(text.slice(0, 20))} is neither a license handle (lic_…) nor a license id`);
}

/** The client and the license's path (`/apps/<app>/licenses/<handle>`). */
async function locate(given: string, options: Options): Promise<{ client: ApiClient; path: string }> {
  const client = await connect(options);
  const handle = handleOf(given);
  const app = options.app ?? ((await client.request("GET", `/licenses/${handle}`)) as LicenseRecord).app;
  return { client, path: `${licensesPath(app)}/${handle}` };
}

async function create(
  options: ApiOptions & {
    app: string;
    customer: string;
    expires?: string;
    entitle?: string[];
    channel?: string;
    field?: string[];
  },
) {
  const fields = options.field === undefined ? undefined : parseFieldAssignments(options.field);
  const client = await connect(options);
  const body = {
    customer: options.customer,
    ...(options.expires !== undefined && { expires: options.expires }),
    ...(options.entitle !== undefined && { entitlements: options.entitle }),
    ...(options.channel !== undefined && { channel: options.channel }),
    ...(fields !== undefined && { fields }),
  };
  const license = (await client.request("POST", licensesPath(options.app), body)) as LicenseRecord & {
    licenseId: string;
  };
  const host = new URL(client.server).host;
  emit(options, license, [
    `Created license ${license.id} for ${license.customer} (${license.app}), expires ${license.expiresAt ?? "never"}`,
    `Entitled to: ${license.entitlements.join(" ")}`,
    `The customer logs in with the license id as username and password: docker login ${host}`,
    "Copy the license id now: it will not be shown again.",
    license.licenseId,
  ]);
}

async function list(options: ApiOptions & { app: string; customer?: string }) {
  const query = options.customer ? `?customer=${encodeURIComponent(options.customer)}` : "";
  const answer = (await (await connect(options)).request("GET", `${licensesPath(options.app)}${query}`)) as {
    licenses: LicenseRecord[];
  };
  emit(options, answer, table(licenseTableHeaders, licenseRows(answer.licenses)));
}

function describe(l: LicenseRecord): string[] {
  return [
    `license   ${l.id}`,
    `app       ${l.app}`,
    `customer  ${l.customer}`,
    `state     ${l.state}`,
    `expires   ${l.expiresAt ?? "never"}`,
    `channel   ${l.channel ?? "-"}`,
    `entitled  ${l.entitlements.join(" ")}`,
    `created   ${l.createdAt}`,
    ...(l.revokedAt ? [`revoked   ${l.revokedAt}`] : []),
    ...fieldLines(l.fields),
  ];
}

async function show(id: string, options: Options) {
  const { client, path } = await locate(id, options);
  const license = (await client.request("GET", path)) as LicenseRecord;
  emit(options, license, describe(license));
}

async function revoke(id: string, options: Options) {
  const { client, path } = await locate(id, options);
  const license = (await client.request("POST", `${path}/revoke`)) as LicenseRecord;
  emit(options, license, `Revoked license ${license.id} of ${license.customer}; it is refused from now on`);
}

async function extend(id: string, options: Options & { expires: string }) {
  const { client, path } = await locate(id, options);
  const license = (await client.request("POST", `${path}/extend`, { expires: options.expires })) as LicenseRecord;
  emit(options, license, `License ${license.id} now expires ${license.expiresAt ?? "never"}`);
}

interface Pull {
  readonly at: string;
  readonly repository: string;
  readonly reference: string;
  readonly digest: string | null;
  readonly kind: string;
  readonly bytes: number;
  readonly remote: string | null;
}

async function pulls(id: string, options: Options & { since?: string; limit?: string }) {
  const { client, path } = await locate(id, options);
  const query = new URLSearchParams();
  if (options.since) query.set("since", options.since);
  if (options.limit) query.set("limit", options.limit);
  const suffix = query.size > 0 ? `?${query}` : "";
  const answer = (await client.request("GET", `${path}/pulls${suffix}`)) as { pulls: Pull[] };
  const rows = answer.pulls.map((p) => [
    p.at,
    p.kind,
    p.kind === "bundle" ? `${p.repository} release ${p.reference}` : `${p.repository}:${p.reference}`,
    p.digest,
    p.bytes,
    p.remote,
  ]);
  emit(options, answer, table(["time", "kind", "image", "digest", "bytes", "address"], rows));
}

async function pullSecret(id: string, options: Options & { namespace: string[]; registry?: string; name?: string }) {
  const licenseId = id === "-" ? (await readSecret(true)).trim() : id.trim();
  if (!looksLikeLicenseId(licenseId))
    throw new CliError("give the license id (wharf_lic_…), or - to read it from stdin");
  const { client, path } = await locate(licenseId, options);
  const body = {
    licenseId,
    namespaces: options.namespace,
    ...(options.registry !== undefined
      ? { registry: options.registry }
      : { defaultRegistry: new URL(client.server).host }),
    ...(options.name !== undefined && { name: options.name }),
  };
  const answer = (await client.request("POST", `${path}/pull-secret`, body)) as { yaml: string };
  if (options.output === "json") emit(options, answer, []);
  else process.stdout.write(answer.yaml);
}

/** Registers `license …`. */
export function registerLicenseCommands(program: Command): void {
  const license = program.command("license").description("manage customer licenses (license-gated pulls)");
  const appOption = "--app <slug>";
  const appHelp = "the application (found from the license when not given)";
  withApiOptions(
    license
      .command("create")
      .description("create a license; prints its id once, alone on the last line")
      .requiredOption(appOption, "the application")
      .requiredOption("--customer <name>", "the customer")
      .option("--expires <duration>", "lifetime such as 30d, 1y, or never (the default)")
      .option("--entitle <pattern>", "<app>/<path> or <registry-short-name>/<path>, '*' wildcards; repeatable", collect)
      .option("--channel <label>", "release channel or label")
      .option("--field <name=value>", "a custom license field value; repeatable", collect),
  ).action(action(create));
  withApiOptions(
    license
      .command("list")
      .description("list licenses (never their ids)")
      .requiredOption(appOption, "the application")
      .option("--customer <name>", "only this customer's"),
  ).action(action(list));
  withApiOptions(license.command("show <license>").description("show a license").option(appOption, appHelp)).action(
    action(show),
  );
  withApiOptions(
    license.command("revoke <license>").description("revoke a license (final)").option(appOption, appHelp),
  ).action(action(revoke));
  withApiOptions(
    license
      .command("extend <license>")
      .description("set a license's expiry from now")
      .requiredOption("--expires <duration>", "e.g. 90d, 1y, or never")
      .option(appOption, appHelp),
  ).action(action(extend));
  withApiOptions(
    license
      .command("pulls <license>")
      .description("what a license pulled: image, digest, bytes, address")
      .option("--since <time>", "ISO time or a duration back (24h); default 30d")
      .option("--limit <n>", "at most this many (default 100)")
      .option(appOption, appHelp),
  ).action(action(pulls));
  withApiOptions(
    license
      .command("pull-secret <license-id>")
      .description("print the Kubernetes pull Secret for a license (give the id, or - for stdin)")
      .requiredOption("--namespace <ns>", "Kubernetes namespace; repeatable", collect)
      .option(
        "--registry <host>",
        "registry host customers pull from (default: the server's publicUrl, else this session's server)",
      )
      .option("--name <name>", "the Secret's name (default <app>-registry)")
      .option(appOption, appHelp),
  ).action(action(pullSecret));
  registerLicenseFieldCommands(license, locate);
}
