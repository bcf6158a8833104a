/**
 * @module
 * Runs a real CNCF Distribution registry (Debian's `docker-registry`, 2.8)
 * on a loopback ephemeral port for the registry client's tests, optionally
 * behind htpasswd Basic authentication. A real registry, not a fake:
 * status codes, headers, challenges and pagination are what clients meet.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const binary = "/usr/bin/docker-registry";

/** A running registry. */
export interface DistributionServer {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  /** The storage root (`<root>/docker/registry/v2/...`), for tests that corrupt content. */
  readonly root: string;
  /** Stops the process (by its PID) and removes its files. */
  stop(): Promise<void>;
}

/**
 * Why the registry cannot run here, or undefined when it can. Pass it
 * through `skipOption` (test/support/skip-missing-tool.ts): outside CI a
 * missing binary skips the tests that need it; in CI it fails them.
 */
export function distributionUnavailable(): string | undefined {
  if (!existsSync(binary)) return `${binary} is not installed (apt-get install docker-registry)`;
  if (!existsSync("/usr/bin/htpasswd")) return "htpasswd is not installed (apache2-utils)";
  return undefined;
}

/** Starts a registry; with `basicAuth`, only that user may use it. */
export async function startDistribution(basicAuth?: {
  username: string;
  password: string;
}): Promise<DistributionServer> {
  const root = await mkdtemp(join(tmpdir(), "wharf-distribution-"));
  const lines = [
    "version: 0.1",
    "log: { level: info, accesslog: { disabled: true } }",
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(root, "data"))} }, delete: { enabled: true } }`,
    "http: { addr: 127.0.0.1:0, secret: wharf-test-secret }",
  ];
  if (basicAuth !== undefined) {
    const entry = execFileSync("htpasswd", ["-Bbn", basicAuth.username, basicAuth.password]);
    await writeFile(join(root, "htpasswd"), entry);
    const path = JSON.stringify(join(root, "htpasswd"));
    lines.push(`auth: { htpasswd: { realm: basic-realm, path: ${path} } }`);
  }
  await writeFile(join(root, "config.yml"), `${lines.join("\n")}\n`);
  const child = spawn(binary, ["serve", join(root, "config.yml")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const host = await listeningAddress(child);
  return {
    host,
    root: join(root, "data"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(child.pid!, "SIGTERM");
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Waits for Distribution's "listening on 127.0.0.1:<port>" log line. */
function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`registry did not start:\n${log}`)), 15_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (match === null) return;
      clearTimeout(timer);
      resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`registry exited (${code}):\n${log}`)));
  });
}

/**
 * Rewrites the stored bytes of blob `digest` (sha256) in a registry's
 * filesystem storage, so that it serves content that no longer matches its
 * digest — a real registry giving a corrupt response. `change` must keep
 * manifests valid JSON (the registry parses them before serving).
 */
export async function corruptStoredBlob(
  server: DistributionServer,
  digest: string,
  change: (bytes: Buffer) => Buffer,
): Promise<void> {
  const hex = digest.slice("sha256:".length);
  const path = join(server.root, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
  await writeFile(path, change(await readFile(path)));
}
