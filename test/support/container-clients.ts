/**
 * @module
 * skopeo and podman as a user runs them, but isolated from the host: each
 * sandbox has its own HOME, runtime and temporary directories, an empty
 * default auth file, and podman its own vfs storage, so no host credentials
 * or images interfere. Whether podman can run here at all is checked once
 * with `podman info` (its reason is kept for skipping). Also tells whether a
 * client's failure was an authentication error.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type CommandResult, describeResult, runCommand } from "./run-command.ts";
import { skipIfMissing } from "./skip-missing-tool.ts";

/** An isolated place to run skopeo and podman. */
export interface ClientSandbox {
  readonly work: string;
  /** Why podman cannot run here, or undefined when it can. */
  readonly podmanUnavailable: string | undefined;
  skopeo(args: readonly string[], input?: string): Promise<CommandResult>;
  skopeoOk(args: readonly string[], input?: string): Promise<string>;
  podman(args: readonly string[], input?: string): Promise<CommandResult>;
  podmanOk(args: readonly string[], input?: string): Promise<string>;
  /** Removes the sandbox's files. */
  remove(): Promise<void>;
}

/** Creates a sandbox under the system's temporary directory. */
export async function createClientSandbox(prefix: string): Promise<ClientSandbox> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  for (const dir of ["home", "xdg-run", "tmp", "libpod-tmp"]) {
    await mkdir(join(work, dir), { recursive: true, mode: 0o700 });
  }
  const emptyAuthFile = join(work, "empty-auth.json");
  await writeFile(emptyAuthFile, JSON.stringify({ auths: {} }), { mode: 0o600 });
  const env = {
    HOME: join(work, "home"),
    XDG_RUNTIME_DIR: join(work, "xdg-run"),
    XDG_CONFIG_HOME: join(work, "home", ".config"),
    TMPDIR: join(work, "tmp"),
    REGISTRY_AUTH_FILE: emptyAuthFile,
    DOCKER_CONFIG: join(work, "home", ".docker"),
  };
  const podmanArgs = (args: readonly string[]) => [
    ...["--root", join(work, "podman-storage"), "--runroot", join(work, "podman-runroot")],
    ...["--tmpdir", join(work, "libpod-tmp"), "--storage-driver", "vfs"],
    ...["--cgroup-manager", "cgroupfs", "--events-backend", "file"],
    ...args,
  ];
  const skopeo = (args: readonly string[], input?: string) =>
    runCommand("skopeo", ["--insecure-policy", ...args], { env, input });
  const podman = (args: readonly string[], input?: string) => runCommand("podman", podmanArgs(args), { env, input });

  const info = await podman(["info", "--format", "json"]).catch(
    (error: Error): CommandResult => ({ code: -1, signal: null, stdout: "", stderr: error.message }),
  );
  let podmanUnavailable: string | undefined;
  if (info.code !== 0) {
    const lines = (info.stderr.trim() || `exit ${info.code ?? info.signal}`).split("\n");
    podmanUnavailable = lines.find((line) => line.startsWith("Error:")) ?? lines[0]!;
  }

  return {
    work,
    podmanUnavailable,
    skopeo,
    podman,
    async skopeoOk(args, input) {
      const result = await skopeo(args, input);
      assert.equal(result.code, 0, describeResult("skopeo", args, result));
      return result.stdout;
    },
    async podmanOk(args, input) {
      const result = await podman(args, input);
      assert.equal(result.code, 0, describeResult("podman", podmanArgs(args), result));
      return result.stdout;
    },
    remove: () => rm(work, { recursive: true, force: true }),
  };
}

/**
 * Skips `t` (returning true) when podman cannot run in `box`, with podman's
 * own reason; under CI that fails the test instead.
 */
export function skipWithoutPodman(t: TestContext, box: ClientSandbox): boolean {
  const missing = box.podmanUnavailable;
  return skipIfMissing(t, missing === undefined ? undefined : `podman cannot run here: ${missing}`);
}

/**
 * True when a client's failure output says it was not authorized. (A 401 to a
 * HEAD has no body, so containers/image then reports "denied … HTTP 401".)
 */
export function isAuthError(result: CommandResult): boolean {
  return /unauthorized|authentication required|invalid username\/password|requested access to the resource is denied[\s\S]*HTTP 401/i.test(
    result.stderr,
  );
}

/** The `auths` entries of an auth file (empty when the file does not exist). */
export async function authsIn(file: string): Promise<Record<string, { auth?: string }>> {
  try {
    return (JSON.parse(await readFile(file, "utf8")) as { auths?: Record<string, { auth?: string }> }).auths ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}
