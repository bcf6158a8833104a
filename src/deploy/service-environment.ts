/**
 * @module
 * A service's environment variables and command. Names follow the portable
 * POSIX rule (letters, digits, '_', not starting with a digit) — stricter
 * than Kubernetes allows, but what every shell and runtime can read back.
 * Sizes are bounded so a definition stays a definition, not a file store
 * (Kubernetes caps a whole object at about 1 MiB).
 */

/** The most environment variables one service may set. */
export const maxEnvironmentVariables = 200;
/** The most UTF-8 bytes of all names, values and command arguments together. */
export const maxDefinitionBytes = 256 * 1024;
/** The most command arguments. */
export const maxCommandArguments = 256;

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every problem of `env`; empty when valid. Values may be any string, "" included. */
export function environmentProblems(env: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(env);
  if (entries.length > maxEnvironmentVariables) {
    problems.push(`give at most ${maxEnvironmentVariables} environment variables (got ${entries.length})`);
  }
  for (const [name, value] of entries) {
    if (!envName.test(name) || name.length > 253) {
      problems.push(
        `environment variable name ${JSON.stringify(name.slice(0, 100))} is invalid: use letters, digits and '_', not starting with a digit`,
      );
    }
    if (typeof value !== "string") problems.push(`environment variable ${name} must have a string value`);
  }
  return problems;
}

/** Every problem of `command`; empty when valid. An empty list means the image's own entrypoint. */
export function commandProblems(command: readonly unknown[]): string[] {
  const problems: string[] = [];
  if (command.length > maxCommandArguments) {
    problems.push(`give at most ${maxCommandArguments} command arguments (got ${command.length})`);
  }
  if (!command.every((arg) => typeof arg === "string")) problems.push("every command argument must be a string");
  else if (command[0] === "")
    problems.push("the command's first argument (the program) is empty: give the program to run");
  if (command.some((arg) => typeof arg === "string" && arg.includes("\u0000"))) {
    problems.push("a command argument contains a NUL character: remove it");
  }
  return problems;
}

/** A problem when `env` and `command` together exceed {@link maxDefinitionBytes}. */
export function sizeProblem(env: Readonly<Record<string, string>>, command: readonly string[]): string | undefined {
  const texts = [...Object.entries(env).flat(), ...command];
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(String(text), "utf8"), 0);
  if (bytes <= maxDefinitionBytes) return undefined;
  return `environment and command hold ${bytes} bytes, more than ${maxDefinitionBytes}: keep large data in a ConfigMap or the image`;
}
