/**
 * @module
 * `wharf ref <image>`: parses an image reference exactly as Docker does and
 * prints its parts, one `key: value` per line (or JSON with --output json).
 */
import type { Command } from "commander";
import { describeReference } from "../reference/describe-reference.ts";
import { parseReference } from "../reference/parse-reference.ts";

/** Registers `ref` on the program. */
export function registerRefCommand(program: Command): void {
  program
    .command("ref <image>")
    .description("show how an image reference is normalized (registry, repository, tag, digest)")
    .option("--output <format>", "text or json", "text")
    .option("--json", "print JSON (same as --output json)")
    .action((image: string, options: { output: string; json?: boolean }) => {
      const result = parseReference(image);
      if (!result.ok) {
        process.stderr.write(`wharf: ${result.error}\n`);
        process.exit(1);
      }
      const parts = describeReference(result.reference);
      if (options.output === "json" || options.json) {
        process.stdout.write(`${JSON.stringify(parts, null, 2)}\n`);
        return;
      }
      for (const [key, value] of Object.entries(parts)) process.stdout.write(`${key}: ${value}\n`);
    });
}
