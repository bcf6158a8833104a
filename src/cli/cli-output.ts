/**
 * @module
 * How API commands are declared and how they print. Every one takes
 * `--server <url>` and `--output text|json` (`--json` for short); `json` prints the API's JSON
 * (for answers without a body, a small object saying what was done), `text`
 * aligned columns for people. Errors become one line on stderr,
 * `wharf: <message>`, and exit status 1.
 */
import { type Command, Option } from "commander";
import { type ApiOptions, CliError } from "./cli-api.ts";

/** Adds `--server`, `--output` and `--json` to `command`. */
export function withApiOptions(command: Command): Command {
  return command
    .option("--server <url>", "Wharf server URL (default: the one you logged in to)")
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--json", "print JSON (same as --output json)");
}

/** True when the command should print JSON (`--json` or `--output json`). */
export function wantsJson(options: ApiOptions): boolean {
  return options.output === "json" || options.json === true;
}

/** Wraps an action so a failure prints `wharf: <message>` and exits 1 (a stack trace with WHARF_DEBUG set). */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      if (!(error instanceof CliError) && process.env.WHARF_DEBUG) throw error;
      process.stderr.write(`wharf: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  };
}

/** Prints `json` as JSON, or `text` (lines) for people. */
export function emit(options: ApiOptions, json: unknown, text: string | readonly string[]): void {
  if (wantsJson(options)) {
    process.stdout.write(`${JSON.stringify(json ?? {}, null, 2)}\n`);
    return;
  }
  const lines = typeof text === "string" ? [text] : text;
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
}

/** Rows as aligned columns under upper-case headers; `(none)` when empty. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  if (rows.length === 0) return ["(none)"];
  const cells = [
    headers.map((h) => h.toUpperCase()),
    ...rows.map((r) => r.map((c) => (c === null || c === undefined ? "-" : String(c)))),
  ];
  const widths = headers.map((_h, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}
