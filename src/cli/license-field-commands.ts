/**
 * @module
 * `wharf license field define|list`, `license set-field`, `license
 * document`, `license public-key [--all]`, `license rotate-key` and `license
 * verify`: custom license fields and signed license documents. `verify`
 * checks a document offline with a public key file (`--key`: the JWK
 * `public-key` prints, or the JWK Set `public-key --all` prints); without
 * `--key` it fetches every key from the server, and still verifies locally.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { verifyLicenseDocument } from "../licensing/license-document.ts";
import { LicensingError } from "../licensing/licensing-error.ts";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

type Locate = (
  given: string,
  options: ApiOptions & { app?: string },
) => Promise<{ client: import("./cli-api.ts").ApiClient; path: string }>;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const fieldsPath = (app: string) => `/apps/${encodeURIComponent(app)}/license-fields`;

/** `name=value` pairs as an object; CliError for a pair without `=`. */
export function parseFieldAssignments(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`${JSON.stringify(pair.slice(0, 40))} is not name=value`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}

/** The lines `license show` prints for `fields`. */
export function fieldLines(fields: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.entries(fields ?? {}).map(([name, value]) => `field     ${name}=${String(value)}`);
}

async function output(text: string, out: string | undefined) {
  if (out) await writeFile(out, text, { mode: 0o644 });
  else process.stdout.write(text);
}

/** Registers the commands under `license`; `locate` finds a license's API path. */
export function registerLicenseFieldCommands(license: Command, locate: Locate): void {
  const field = license.command("field").description("custom license fields of an application");
  withApiOptions(
    field
      .command("define")
      .description("define a field: integer, string, boolean, enum (with --choice) or secret")
      .requiredOption("--app <slug>", "the application")
      .requiredOption("--name <name>", "field name (seats, tier, apiKey)")
      .requiredOption("--type <type>", "integer, string, boolean, enum or secret")
      .option("--choice <value>", "an allowed value of an enum field; repeatable", collect),
  ).action(
    action(async (options: ApiOptions & { app: string; name: string; type: string; choice?: string[] }) => {
      const body = { name: options.name, type: options.type, ...(options.choice && { choices: options.choice }) };
      const answer = await (await connect(options)).request("POST", fieldsPath(options.app), body);
      emit(options, answer, `Defined license field ${options.name} (${options.type}) of ${options.app}`);
    }),
  );
  withApiOptions(
    field
      .command("list")
      .description("list an application's license fields")
      .requiredOption("--app <slug>", "the application"),
  ).action(
    action(async (options: ApiOptions & { app: string }) => {
      const answer = (await (await connect(options)).request("GET", fieldsPath(options.app))) as {
        fields: { name: string; type: string; choices: string[] | null }[];
      };
      emit(
        options,
        answer,
        table(
          ["field", "type", "choices"],
          answer.fields.map((f) => [f.name, f.type, f.choices?.join(" ")]),
        ),
      );
    }),
  );
  withApiOptions(
    license
      .command("set-field <license> <assignments...>")
      .description("set custom field values of a license: name=value ...")
      .option("--app <slug>", "the application (found from the license when not given)"),
  ).action(
    action(async (id: string, assignments: string[], options: ApiOptions & { app?: string }) => {
      const fields = parseFieldAssignments(assignments);
      const { client, path } = await locate(id, options);
      const answer = (await client.request("POST", `${path}/fields`, { fields })) as { id: string; fields: object };
      emit(options, answer, [`License ${answer.id}`, ...fieldLines(answer.fields as Record<string, unknown>)]);
    }),
  );
  withApiOptions(
    license
      .command("document <license>")
      .description("print the license's signed document (give it to the customer's app)")
      .option("--out <file>", "write it to this file")
      .option("--app <slug>", "the application (found from the license when not given)"),
  ).action(
    action(async (id: string, options: ApiOptions & { app?: string; out?: string }) => {
      const { client, path } = await locate(id, options);
      const answer = (await client.request("GET", `${path}/document`)) as { document: string };
      if (options.output === "json") emit(options, answer, []);
      else await output(`${answer.document}\n`, options.out);
    }),
  );
  withApiOptions(
    license
      .command("public-key")
      .description("print the public key (JWK) license documents verify with")
      .option("--all", "every key since the first (a JWK Set): documents signed before a rotation verify too")
      .option("--out <file>", "write it to this file"),
  ).action(
    action(async (options: ApiOptions & { out?: string; all?: boolean }) => {
      const path = options.all ? "/license-signing-keys" : "/license-signing-key";
      const key = await (await connect(options)).request("GET", path);
      await output(`${JSON.stringify(key)}\n`, options.out);
    }),
  );
  withApiOptions(
    license
      .command("rotate-key")
      .description("add a license-signing key that signs from now on (documents signed before keep verifying)"),
  ).action(
    action(async (options: ApiOptions) => {
      const key = (await (await connect(options)).request("POST", "/license-signing-keys")) as { kid: string };
      emit(options, key, [
        `New license-signing key ${key.kid}: documents are signed with it from now on.`,
        "Publish the new key set to your apps: wharf license public-key --all",
      ]);
    }),
  );
  withApiOptions(
    license
      .command("verify <file>")
      .description("verify a signed license document offline; refuses any edited byte")
      .option(
        "--key <file>",
        "the public key (JWK) or key set (license public-key --all); else every key, fetched from the server",
      ),
  ).action(
    action(async (file: string, options: ApiOptions & { key?: string }) => {
      const text = await readFile(file, "utf8");
      const key = options.key
        ? JSON.parse(await readFile(options.key, "utf8"))
        : await (await connect(options)).request("GET", "/license-signing-keys");
      try {
        const document = verifyLicenseDocument(text, key);
        emit(options, document, [
          `Valid license ${document.license} of ${document.customer} (${document.app}), channel ${document.channel}, expires ${document.expiresAt ?? "never"}`,
          ...fieldLines(document.fields),
        ]);
      } catch (error) {
        if (error instanceof LicensingError) throw new CliError(error.message);
        throw error;
      }
    }),
  );
}
