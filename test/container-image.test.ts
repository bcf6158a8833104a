/**
 * @module
 * The container image built by scripts/build-image.sh (buildah, offline).
 * Opt-in, because it builds a ~75 MB image: `WHARF_TEST_IMAGE=1`. Checks the
 * image config (non-root user, entrypoint, `serve`, /data volume, port 5000;
 * the healthcheck in the docker-archive form), then — where podman can run
 * containers (here with runc and ulimits within the sandbox's own) — starts
 * it, pushes Wharf's own image into the Wharf inside it and pulls it back
 * with the same digest.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { runOk } from "./support/run-command.ts";
import { repoRoot } from "./support/start-wharf.ts";

const enabled = process.env.WHARF_TEST_IMAGE === "1";
let clients: ClientSandbox;
let archive: string;
const imageName = "localhost/wharf:test";

/** A loopback port free at this moment. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Image config of a docker-archive, read from the tar itself (skopeo shows the OCI conversion). */
function dockerArchiveConfig(file: string): { config: Record<string, unknown> } {
  const manifest = JSON.parse(execFileSync("tar", ["-xOf", file, "manifest.json"], { encoding: "utf8" }));
  return JSON.parse(execFileSync("tar", ["-xOf", file, manifest[0].Config], { encoding: "utf8" }));
}

describe("container image", { skip: enabled ? false : "set WHARF_TEST_IMAGE=1 to build and test the image" }, () => {
  before(async () => {
    clients = await createClientSandbox("wharf-image-");
    archive = join(clients.work, "wharf.oci.tar");
    await runOk("bash", [join(repoRoot, "scripts", "build-image.sh"), archive], {
      env: { WHARF_IMAGE_NAME: imageName },
      timeoutMs: 600_000,
    });
  });

  after(async () => {
    await clients?.remove();
  });

  test("the image config is what operators expect", async () => {
    const { config } = JSON.parse(await clients.skopeoOk(["inspect", "--config", `oci-archive:${archive}`]));
    assert.equal(config.User, "10001:10001");
    assert.equal(config.Entrypoint[0], "/usr/local/bin/node");
    assert.equal(config.Entrypoint.at(-1), "/app/dist/cli/main.js");
    assert.deepEqual(config.Cmd, ["serve"]);
    assert.deepEqual(Object.keys(config.Volumes), ["/data"]);
    assert.deepEqual(Object.keys(config.ExposedPorts), ["5000/tcp"]);
    assert.ok(config.Env.includes("WHARF_DATA_DIR=/data"));
    assert.ok(config.Env.includes("WHARF_LISTEN=0.0.0.0:5000"));
  });

  test("the docker-archive form keeps the healthcheck", async () => {
    const dockerArchive = join(clients.work, "wharf.docker.tar");
    await runOk("bash", [join(repoRoot, "scripts", "build-image.sh"), dockerArchive], { timeoutMs: 600_000 });
    const { config } = dockerArchiveConfig(dockerArchive);
    assert.deepEqual((config.Healthcheck as { Test: string[] }).Test, ["CMD", "/app/healthcheck.mjs"]);
  });

  test("podman runs it; Wharf's own image is pushed into it and pulled back unchanged", async (t) => {
    if (clients.podmanUnavailable) return t.skip(`podman cannot run here: ${clients.podmanUnavailable}`);
    // crun cannot run in hybrid-cgroup sandboxes, and ulimits above the sandbox's own are refused.
    const runtime = (await runOk("sh", ["-c", "command -v runc || true"])).trim() ? ["--runtime", "runc"] : [];
    await clients.podmanOk([...runtime, "load", "-i", archive]);
    const port = await freePort();
    const name = `wharf-image-test-${port}`;
    const started = await clients.podman([
      ...[...runtime, "run", "-d", "--name", name, "--network", "host"],
      ...["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=1024:1024"],
      ...["-e", `WHARF_LISTEN=127.0.0.1:${port}`, "-e", "WHARF_AUTH__ENABLED=false", imageName],
    ]);
    if (started.code !== 0)
      return t.skip(`podman cannot start containers here: ${started.stderr.trim().split("\n").at(-1)}`);
    try {
      // Each `podman logs` call takes a while; stop at the ready line (bounded tries, no sleeps).
      let logs = "";
      for (let attempt = 0; attempt < 300 && !logs.includes("wharf listening on"); attempt++) {
        const result = await clients.podman([...runtime, "logs", name]);
        logs = result.stdout + result.stderr;
      }
      assert.match(logs, /wharf listening on/);
      await clients.podmanOk([...runtime, "exec", name, "/app/healthcheck.mjs"]);
      const target = `docker://127.0.0.1:${port}/wharf/wharf:0.1.0`;
      await clients.skopeoOk(["copy", "--dest-tls-verify=false", `oci-archive:${archive}`, target]);
      const pushed = await clients.skopeoOk(["inspect", "--raw", "--tls-verify=false", target]);
      const original = await clients.skopeoOk(["inspect", "--raw", `oci-archive:${archive}`]);
      assert.equal(pushed, original);
      await clients.podmanOk(["pull", "--tls-verify=false", `127.0.0.1:${port}/wharf/wharf:0.1.0`]);
    } finally {
      await clients.podman([...runtime, "rm", "-f", name]);
    }
  });
});
