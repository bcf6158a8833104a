/**
 * @module
 * `server.workers: 2` end to end: one primary and two worker processes on
 * one port, auth on. skopeo pushes an image (tokens issued by one worker
 * are accepted by the other) and copies it back out byte for byte; a
 * chunked upload whose PATCHes arrive on new connections lands on both
 * workers and completes; a worker killed with SIGKILL while pulls run is
 * replaced by a new one while the other keeps serving; SIGTERM stops every
 * process.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { requestFrom } from "./support/http-from.ts";
import {
  type BuiltImage,
  blobsOf,
  buildImage,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let work: string;
let image: BuiltImage;

/** The PIDs of workers that reported ready, in order. */
function readyWorkers(): number[] {
  return [...wharf.output().matchAll(/"workerPid":(\d+),"msg":"worker ready"/g)].map((m) => Number(m[1]));
}

/** PID of the process that logged each finished request matching `method` and `path`. */
function servingPids(method: string, path: string): number[] {
  const pids: number[] = [];
  for (const line of wharf.output().split("\n")) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { pid: number; method: string; path: string };
    if (entry.method === method && entry.path.startsWith(path)) pids.push(entry.pid);
  }
  return pids;
}

async function token(scope: string): Promise<string> {
  const res = await requestToken(
    wharf.url,
    [
      ["service", "wharf"],
      ["scope", scope],
    ],
    basicAuth("admin", adminPassword),
  );
  return bearerAuth((await tokenBody(res)).token);
}

/** One GET on a new connection; resolves with the status and the body's digest, or the error's message. */
function pullOnce(path: string, authorization: string): Promise<{ status: number; digest: string } | string> {
  return new Promise((resolve) => {
    const req = get(`${wharf.url}${path}`, { agent: false, headers: { authorization } }, (res) => {
      const hash = createHash("sha256");
      res.on("data", (chunk: Buffer) => hash.update(chunk));
      res.once("error", (error) => resolve(error.message));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, digest: `sha256:${hash.digest("hex")}` }));
      // A connection cut mid-body (the worker was killed) ends with close and no end.
      res.once("close", () => resolve("connection closed before the body ended"));
    });
    req.once("error", (error) => resolve(error.message));
  });
}

/** Waits (polling the output, not the clock) until `count` workers reported ready. */
async function untilReady(count: number): Promise<void> {
  while (readyWorkers().length < count) await new Promise((resolve) => setImmediate(resolve));
}

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_SERVER__WORKERS: "2" } });
  work = await mkdtemp(join(tmpdir(), "wharf-workers-"));
  image = buildImage({
    architecture: "amd64",
    layers: [
      [{ name: "etc/app.conf", content: "workers = 2\n" }],
      [{ name: "usr/bin/app", content: seededBytes("workers app", 3 * 1024 * 1024 + 5) }],
    ],
  });
  await writeOciLayout(join(work, "source"), [{ tag: "app", item: image }]);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("wharf serve with server.workers: 2", () => {
  test("runs two worker processes besides the primary", async () => {
    await untilReady(2);
    const pids = readyWorkers();
    assert.equal(new Set(pids).size, 2);
    assert.equal(pids.includes(wharf.child.pid!), false);
  });

  test("skopeo pushes an image and copies it back out, byte for byte", async () => {
    const creds = `admin:${adminPassword}`;
    const ref = `docker://${wharf.host}/admin/app:1.0`;
    const skopeo = ["--insecure-policy", "copy", "--preserve-digests"];
    await runOk("skopeo", [
      ...skopeo,
      "--dest-tls-verify=false",
      "--dest-creds",
      creds,
      `oci:${join(work, "source")}:app`,
      ref,
    ]);
    const out = join(work, "out");
    await runOk("skopeo", [...skopeo, "--src-tls-verify=false", "--src-creds", creds, ref, `oci:${out}:app`]);
    const contents = await readOciLayout(out);
    assert.equal(taggedDescriptor(contents, "app")?.digest, image.descriptor.digest);
    for (const blob of blobsOf(image)) assert.deepEqual(contents.blobs.get(blob.digest), blob.bytes, blob.digest);
  });

  test("a chunked upload whose PATCHes come on new connections lands on both workers and completes", async () => {
    const auth = await token("repository:admin/chunked:pull,push");
    // The kernel spreads new connections over the workers by a hash: send chunks
    // until both workers have taken some (40 on one alone would be a 1 in 2^39 chance).
    const chunks: Buffer[] = [];
    const start = await requestFrom("127.0.0.1", `${wharf.url}/v2/admin/chunked/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: auth, connection: "close" },
    });
    assert.equal(start.status, 202, start.text);
    const location = start.headers.get("location")!;
    const patched = () => new Set(servingPids("PATCH", "/v2/admin/chunked/blobs/uploads/"));
    let offset = 0;
    while (chunks.length < 40 && (chunks.length < 4 || patched().size < 2)) {
      const chunk = seededBytes(`chunk ${chunks.length}`, 20_000 + chunks.length);
      chunks.push(chunk);
      const res = await requestFrom("127.0.0.1", `${wharf.url}${location}`, {
        method: "PATCH",
        headers: {
          authorization: auth,
          connection: "close",
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
      });
      assert.equal(res.status, 202, res.text);
      offset += chunk.length;
      assert.equal(res.headers.get("range"), `0-${offset - 1}`);
    }
    const whole = Buffer.concat(chunks);
    const digest = `sha256:${createHash("sha256").update(whole).digest("hex")}`;
    const put = await requestFrom(
      "127.0.0.1",
      `${wharf.url}${location}${location.includes("?") ? "&" : "?"}digest=${digest}`,
      {
        method: "PUT",
        headers: { authorization: auth, connection: "close" },
      },
    );
    assert.equal(put.status, 201, put.text);
    const got = await pullOnce(`/v2/admin/chunked/blobs/${digest}`, auth);
    assert.deepEqual(got, { status: 200, digest });
    assert.equal(patched().size, 2, `PATCHes served by ${[...patched()].join(", ")}`);
  });

  test("a worker killed while pulls run is replaced; the other keeps serving", async () => {
    const auth = await token("repository:admin/app:pull");
    const layer = image.layers[1]!;
    const path = `/v2/admin/app/blobs/${layer.digest}`;
    const [victim, survivor] = readyWorkers();
    const results: (Awaited<ReturnType<typeof pullOnce>> | string)[] = [];
    let stop = false;
    const pullers = Array.from({ length: 4 }, async () => {
      while (!stop) results.push(await pullOnce(path, auth));
    });
    while (results.length < 8) await new Promise((resolve) => setImmediate(resolve));
    process.kill(victim!, "SIGKILL");
    const killedAt = results.length;
    await untilReady(3);
    const readyAt = results.length;
    while (results.length < readyAt + 8) await new Promise((resolve) => setImmediate(resolve));
    stop = true;
    await Promise.all(pullers);
    const ok = (r: (typeof results)[number]) => typeof r !== "string" && r.status === 200 && r.digest === layer.digest;
    // Pulls the killed worker had in flight fail; the survivor serves while the replacement starts.
    assert.ok(results.slice(killedAt, readyAt).some(ok), "no pull succeeded while the replacement started");
    assert.ok(results.slice(readyAt).every(ok), JSON.stringify(results.slice(readyAt).filter((r) => !ok(r))));
    const replacement = readyWorkers()[2]!;
    assert.notEqual(replacement, victim);
    // The survivor served on while the replacement started; the replacement serves now.
    for (let n = 0; n < 6; n++) assert.ok(ok(await pullOnce(path, auth)));
    const pullers2 = new Set(servingPids("GET", path));
    assert.ok(pullers2.has(survivor!) && pullers2.has(replacement), [...pullers2].join(", "));
  });

  test("SIGTERM stops the primary and every worker", async () => {
    const workers = readyWorkers();
    await wharf.stop();
    assert.equal(wharf.child.exitCode, 0, wharf.output().slice(-2000));
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} still runs`);
  });
});
