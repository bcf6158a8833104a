/**
 * @module
 * The organization a command acts in (`secret …`, `service …`): `--org`, or
 * else the caller's only organization, so that the common case — one
 * company, one organization — needs no flag. With none or several the
 * command stops and says to pass `--org`, rather than guessing.
 */
import type { Command } from "commander";
import { type ApiClient, type ApiOptions, CliError, connect } from "./cli-api.ts";

/** The options of a command that acts in an organization. */
export interface OrgOptions extends ApiOptions {
  readonly org?: string;
}

/** Adds `--org <org>` to `command`. */
export function withOrgOption(command: Command): Command {
  return command.option("--org <org>", "the organization (default: your only organization)");
}

/** `--org`, or the caller's only organization; CliError when there is none or several. */
export async function resolveOrg(client: ApiClient, options: OrgOptions): Promise<string> {
  if (options.org) return options.org;
  const me = (await client.request("GET", "/user")) as { organizations: { name: string }[] };
  const names = me.organizations.map((o) => o.name);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) {
    throw new CliError(
      `${client.username} is not a member of any organization: pass --org <org>, or create one with wharf org create <org>`,
    );
  }
  throw new CliError(`${client.username} is a member of several organizations (${names.join(", ")}): pass --org <org>`);
}

/** A client and the organization to act in. */
export async function connectOrg(options: OrgOptions): Promise<{ client: ApiClient; org: string }> {
  const client = await connect(options);
  return { client, org: await resolveOrg(client, options) };
}

/** `/orgs/<org>/<collection>[/<name>]`, each part percent-encoded. */
export function orgPath(org: string, collection: string, name?: string): string {
  const base = `/orgs/${encodeURIComponent(org)}/${collection}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}
