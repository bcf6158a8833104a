/**
 * @module
 * The `wharf` command line as a user runs it — `bin/wharf` in a child
 * process with its session in a config directory of the test's own — with
 * helpers that assert success (exit 0) or a failure (`wharf: …` on stderr,
 * a non-zero exit), and that print everything when an assertion fails.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCommand } from "./run-command.ts";
import { repoRoot } from "./start-wharf.ts";

/** What one run left behind. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A user of the CLI: one config directory (one session). */
export interface WharfCli {
  /** Runs `wharf args…` with `stdin`; never throws for a non-zero exit. */
  run(args: readonly string[], stdin?: string): Promise<CliRun>;
  /** Runs and asserts exit 0; returns stdout. */
  ok(args: readonly string[], stdin?: string): Promise<string>;
  /** Runs and asserts a non-zero exit with a `wharf: …` line; returns stderr. */
  fails(args: readonly string[], stdin?: string): Promise<string>;
}

/** A description of a run for assertion messages. */
export function describeRun(args: readonly string[], run: CliRun): string {
  return `wharf ${args.join(" ")}\nexit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** A CLI user whose session lives in `configDir`. */
export function createWharfCli(configDir: string): WharfCli {
  const env = { WHARF_CONFIG_DIR: configDir, WHARF_USERNAME: "", WHARF_TOKEN: "" };
  const run = (args: readonly string[], stdin = "") =>
    runCommand(join(repoRoot, "bin", "wharf"), args, { env, input: stdin, timeoutMs: 60_000 });
  return {
    run,
    async ok(args, stdin) {
      const result = await run(args, stdin);
      assert.equal(result.code, 0, describeRun(args, result));
      return result.stdout;
    },
    async fails(args, stdin) {
      const result = await run(args, stdin);
      assert.notEqual(result.code, 0, describeRun(args, result));
      assert.match(result.stderr, /^wharf: /m, describeRun(args, result));
      return result.stderr;
    },
  };
}
