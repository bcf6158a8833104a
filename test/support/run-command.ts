/**
 * @module
 * Runs an external client (skopeo, podman) the way a user would and captures
 * its exit code and output, so a test can assert on them and print them when
 * something fails. Its stdin can be fed (for `--password-stdin`). A hard
 * timeout kills a hung client instead of the suite.
 */
import { spawn } from "node:child_process";

/** What a finished command left behind. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the command (SIGKILL) after this long; 120 s by default. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin, which is then closed (e.g. `--password-stdin`); empty when unset. */
  readonly input?: string;
}

/** Runs `command` with `args` and resolves when it exits (never rejects on a non-zero exit). */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    // stdin gets the input, or nothing (end of file at once, like /dev/null). A
    // command that exits without reading it must not fail the test with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs ?? 120_000} ms]`;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 120_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A one-paragraph description of a result, for assertion messages. */
export function describeResult(command: string, args: readonly string[], result: CommandResult) {
  return `${command} ${args.join(" ")}\nexit ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/** Runs a command and throws (with its output) unless it exits 0; returns stdout. */
export async function runOk(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(describeResult(command, args, result));
  return result.stdout;
}
