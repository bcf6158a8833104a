/**
 * @module
 * Debian's nginx in front of Wharf for an end-to-end test: wraps one of the
 * examples' server blocks (already adapted by the test: plain loopback
 * listener, upstream addresses filled in) in a minimal `nginx.conf` with
 * every path in a temporary folder, starts `nginx -p DIR` in the foreground
 * on a free loopback port, waits until it answers, and stops it by PID.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../bench/servers.ts";

const NGINX = "/usr/sbin/nginx";

/** Why nginx cannot run here, or undefined when it can. */
export function nginxUnavailable(): string | undefined {
  return existsSync(NGINX) ? undefined : "nginx is not installed (scripts/install-system-deps.sh)";
}

/** A running nginx. */
export interface NginxFront {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What nginx wrote to its error log so far. */
  errorLog(): Promise<string>;
  /** Graceful stop (SIGQUIT), then its folder is removed. */
  stop(): Promise<void>;
}

/** The `http {}` wrapper around `server`, everything nginx writes under `dir`. */
function wrap(dir: string, server: string): string {
  return [
    "daemon off;",
    // As root nginx's workers drop to nobody, who cannot read a test's 0700 data directory.
    ...(process.getuid?.() === 0 ? ["user root;"] : []),
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    "events { worker_connections 64; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `  ${name}_temp_path ${dir}/${name};`),
    server,
    "}",
    "",
  ].join("\n");
}

/**
 * Starts nginx with the server block `serverFor(listen)` returns, where
 * `listen` is the `127.0.0.1:PORT` it must listen on; resolves once a
 * request through it gets any HTTP answer.
 */
export async function startNginx(serverFor: (listen: string) => string): Promise<NginxFront> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-nginx-"));
  const port = await freePort();
  await writeFile(join(dir, "nginx.conf"), wrap(dir, serverFor(`127.0.0.1:${port}`)));
  const nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => nginx.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  const errorLog = () => readFile(join(dir, "error.log"), "utf8").catch(() => "");
  const stop = async () => {
    if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill("SIGQUIT");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    const up = await fetch(`${url}/v2/`).then(
      (res) => res.status,
      () => 0,
    );
    if (up !== 0) break;
    if (nginx.exitCode !== null || attempt > 5000) {
      const log = await errorLog();
      await stop();
      throw new Error(`nginx did not start: ${log}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { url, errorLog, stop };
}
