/**
 * @module
 * Proves Wharf's crash-safety promises against the real process:
 *
 * - SIGKILL in the middle of a 64 MiB monolithic push, of a chunked PATCH,
 *   and right after a manifest PUT was acknowledged: after a restart on the
 *   same data directory every acknowledged blob, the acknowledged manifest and
 *   its tag are intact byte for byte; the interrupted monolithic blob is
 *   BLOB_UNKNOWN (its partial bytes are never served); the chunked session
 *   still exists, reports at least the acknowledged bytes, and can be resumed
 *   from the offset it reports and completed into a correct blob.
 * - Nothing temporary is left in the blob store once the next writes are
 *   done, and the upload sweeper removes the folder the crashed monolithic
 *   push left behind.
 * - SIGTERM is graceful: a GET of a big blob in flight when the signal
 *   arrives completes in full (while new connections are refused), then the
 *   process exits 0 — also when the client keeps its connection alive, as
 *   every real registry client does (the server must not sit out its 30 s
 *   grace period on an idle keep-alive connection).
 *
 * The interrupted requests stream from generators that stop at a gate which
 * never opens, so the crash always lands mid-stream, however slow the machine.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { Agent, type ClientRequest, type IncomingMessage, request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { buildLayer, seededBytes } from "./support/oci-layout.ts";
import { errorCode, pushBlob, sha256 } from "./support/registry-http.ts";
import { removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const mib = 1024 * 1024;
const chunkBytes = 64 * 1024;

/** How a streamed request ended: a response, or a transport error (the server died). */
type Outcome = { status: number; headers: IncomingMessage["headers"] } | { error: Error };

/** A request whose body streams from a generator; see {@link streamRequest}. */
interface StreamingRequest {
  readonly outcome: Promise<Outcome>;
  /** Body bytes handed to the socket so far. */
  sent(): number;
}

/**
 * Sends `total` bytes made by `chunkAt(offset, length)`, `chunkBytes` at a
 * time with a small delay between chunks, but stops before byte `holdAt` and
 * waits there for ever (until the connection fails): the body is never
 * finished, so the server cannot complete the request.
 */
function streamRequest(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  total: number,
  holdAt: number,
  chunkAt: (offset: number, length: number) => Buffer,
): StreamingRequest {
  const req: ClientRequest = request(url, {
    method,
    headers: { ...headers, "content-length": total },
    agent: false,
  });
  let sent = 0;
  let finished = false;
  const outcome = new Promise<Outcome>((resolve) => {
    req.once("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once("error", (error) => resolve({ error }));
  }).finally(() => {
    finished = true;
  });
  void (async () => {
    while (!finished && sent < Math.min(holdAt, total)) {
      const chunk = chunkAt(sent, Math.min(chunkBytes, holdAt - sent));
      const drained = req.write(chunk);
      sent += chunk.length;
      if (!drained) await Promise.race([once(req, "drain"), outcome]);
      await delay(2);
    }
    if (holdAt >= total && !finished) req.end();
    // Otherwise hold: the rest of the body never comes.
  })().catch(() => undefined);
  return { outcome, sent: () => sent };
}

/** Polls `check` every 20 ms until it returns a value (fails after 20 s). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** Every file under `dir`, recursively (empty when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Upload sessions (one object each) in the filesystem blob store (see src/storage/blob-paths.ts). */
async function uploadFolders(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, "blobs", "uploads"))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Waits for a process to exit and returns how it did. */
async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  return { code: child.exitCode, signal: child.signalCode };
}

/** The 64 MiB body of the interrupted monolithic push, made chunk by chunk. */
const bigBase = seededBytes("big blob", chunkBytes);
function bigChunk(offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; ) {
    const position = offset + at;
    const block = Math.floor(position / chunkBytes);
    const within = position % chunkBytes;
    const piece = Buffer.from(bigBase);
    piece.writeUInt32BE(block, 0);
    const n = piece.copy(out, at, within, Math.min(chunkBytes, within + length - at));
    at += n;
  }
  return out;
}
function bigDigest(total: number): string {
  const hash = createHash("sha256");
  for (let offset = 0; offset < total; offset += chunkBytes) {
    hash.update(bigChunk(offset, Math.min(chunkBytes, total - offset)));
  }
  return `sha256:${hash.digest("hex")}`;
}

describe("SIGKILL mid-push, then restart on the same data", () => {
  const repo = "crash/app";
  let wharf: WharfProcess;
  let dataDir: string;

  /** Acknowledged blobs (201 received before the crash). */
  const acknowledged = new Map<string, Buffer>();
  let manifest: { body: Buffer; digest: string; tag: string };
  let monolithicDigest: string;
  let foldersAfterCrash: string[] = [];

  /** The chunked session interrupted in its second PATCH. */
  const chunked = { data: randomBytes(6 * mib + 321), acked: 0, location: "", secondSent: 0 };

  before(async () => {
    wharf = await startWharf();
    dataDir = wharf.dataDir;
  });

  after(async () => {
    await wharf?.stop();
    if (dataDir) await removeDataDir(dataDir);
  });

  test("acknowledged pushes survive; the interrupted monolithic blob is never served", async () => {
    // Acknowledged before the crash: small and 4 MiB monolithic blobs, a chunked push.
    for (const data of [Buffer.from("small acknowledged blob"), randomBytes(4 * mib + 7)]) {
      acknowledged.set(await pushBlob(wharf.url, repo, data), data);
    }
    const chunkedDone = randomBytes(3 * mib + 5);
    {
      const start = await fetch(`${wharf.url}/v2/${repo}/blobs/uploads/`, { method: "POST" });
      assert.equal(start.status, 202);
      const at = new URL(start.headers.get("location")!, wharf.url);
      const patch = await fetch(at, {
        method: "PATCH",
        headers: { "content-type": "application/octet-stream" },
        body: chunkedDone,
      });
      assert.equal(patch.status, 202);
      const put = new URL(patch.headers.get("location")!, wharf.url);
      put.searchParams.set("digest", sha256(chunkedDone));
      const done = await fetch(put, { method: "PUT" });
      assert.equal(done.status, 201, await done.text());
      acknowledged.set(sha256(chunkedDone), chunkedDone);
    }

    // The image the manifest will reference: a real gzip'd tar layer and a config.
    const { layer, diffId } = buildLayer([{ name: "app/data.bin", content: seededBytes("crash", 300_000) }]);
    const config = Buffer.from(
      JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [diffId] } }),
    );
    for (const data of [layer.bytes, config]) acknowledged.set(await pushBlob(wharf.url, repo, data), data);
    const manifestBody = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
        layers: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.bytes.length },
        ],
      }),
    );
    manifest = { body: manifestBody, digest: sha256(manifestBody), tag: "acked" };

    // A chunked session: first PATCH acknowledged, second one streaming when the crash comes.
    const opened = await fetch(`${wharf.url}/v2/${repo}/blobs/uploads/`, { method: "POST" });
    assert.equal(opened.status, 202);
    chunked.location = opened.headers.get("location")!;
    const first = 2 * mib + 123;
    const firstPatch = await fetch(new URL(chunked.location, wharf.url), {
      method: "PATCH",
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `0-${first - 1}`,
      },
      body: chunked.data.subarray(0, first),
    });
    assert.equal(firstPatch.status, 202, await firstPatch.text());
    assert.equal(firstPatch.headers.get("range"), `0-${first - 1}`);
    chunked.acked = first;
    chunked.location = firstPatch.headers.get("location") ?? chunked.location;
    const rest = chunked.data.length - first;
    const secondPatch = streamRequest(
      new URL(chunked.location, wharf.url).href,
      "PATCH",
      { "content-type": "application/octet-stream", "content-range": `${first}-${chunked.data.length - 1}` },
      rest,
      2 * mib,
      (offset, length) => chunked.data.subarray(first + offset, first + offset + length),
    );
    // The server has stored part of the second PATCH (its status shows more than acknowledged).
    await eventually("the second PATCH to reach storage", async () => {
      const res = await fetch(new URL(chunked.location, wharf.url));
      assert.equal(res.status, 204);
      const end = Number(res.headers.get("range")!.split("-")[1]);
      return end + 1 > first ? true : undefined;
    });

    // A 64 MiB monolithic push, held after 8 MiB.
    const total = 64 * mib;
    monolithicDigest = bigDigest(total);
    const existing = new Set(await uploadFolders(dataDir));
    const monolithic = streamRequest(
      `${wharf.url}/v2/${repo}/blobs/uploads/?digest=${monolithicDigest}`,
      "POST",
      { "content-type": "application/octet-stream" },
      total,
      8 * mib,
      bigChunk,
    );
    // Its bytes are arriving in the store (an upload folder with data in it).
    await eventually("the monolithic push to reach storage", async () => {
      for (const folder of await uploadFolders(dataDir)) {
        if (existing.has(folder)) continue;
        const info = await stat(join(dataDir, "blobs", "uploads", folder)).catch(() => undefined);
        if (info && info.size >= mib) return true;
      }
      return undefined;
    });

    // The manifest PUT: SIGKILL the moment its 201 arrives.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${wharf.url}/v2/${repo}/manifests/${manifest.tag}`,
        {
          method: "PUT",
          agent: false,
          headers: {
            "content-type": "application/vnd.oci.image.manifest.v1+json",
            "content-length": manifest.body.length,
          },
        },
        (res) => {
          wharf.child.kill("SIGKILL");
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once("error", reject);
      req.end(manifest.body);
    });
    assert.equal(status, 201);
    await wharf.kill();
    assert.equal(wharf.child.signalCode, "SIGKILL");

    // Both interrupted requests failed at the transport level: no response came.
    const [patchOutcome, monolithicOutcome] = await Promise.all([secondPatch.outcome, monolithic.outcome]);
    assert.ok("error" in patchOutcome, `the second PATCH got a response: ${JSON.stringify(patchOutcome)}`);
    assert.ok("error" in monolithicOutcome, `the monolithic push got a response: ${JSON.stringify(monolithicOutcome)}`);
    assert.ok(monolithic.sent() < total);
    chunked.secondSent = secondPatch.sent();
    foldersAfterCrash = await uploadFolders(dataDir);

    // Restart on the same data.
    wharf = await startWharf({ dataDir });

    for (const [digest, data] of acknowledged) {
      const res = await fetch(`${wharf.url}/v2/${repo}/blobs/${digest}`);
      assert.equal(res.status, 200, `acknowledged blob ${digest}`);
      assert.equal(res.headers.get("docker-content-digest"), digest);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), data, `acknowledged blob ${digest} changed`);
    }
    for (const reference of [manifest.tag, manifest.digest]) {
      const res = await fetch(`${wharf.url}/v2/${repo}/manifests/${reference}`, {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      assert.equal(res.status, 200, `manifest ${reference}`);
      assert.equal(res.headers.get("docker-content-digest"), manifest.digest);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), manifest.body);
    }
    const tags = await fetch(`${wharf.url}/v2/${repo}/tags/list`);
    assert.deepEqual(((await tags.json()) as { tags: string[] }).tags, [manifest.tag]);

    const head = await fetch(`${wharf.url}/v2/${repo}/blobs/${monolithicDigest}`, { method: "HEAD" });
    assert.equal(head.status, 404);
    const get = await fetch(`${wharf.url}/v2/${repo}/blobs/${monolithicDigest}`);
    assert.equal(get.status, 404);
    assert.equal(await errorCode(get), "BLOB_UNKNOWN");
    // Its partial bytes were really on disk (so "not served" is a real check).
    const chunkedSession = chunked.location.split("/").pop()!;
    const orphans = foldersAfterCrash.filter((name) => !name.endsWith(chunkedSession));
    assert.equal(orphans.length, 1, `upload folders after the crash: ${foldersAfterCrash.join(", ")}`);
  });

  test("the interrupted chunked session resumes from the offset it reports", async (t) => {
    const url = new URL(chunked.location, wharf.url);
    const status = await fetch(url);
    assert.equal(status.status, 204, await status.text());
    assert.ok(status.headers.get("location")?.endsWith(url.pathname.split("/").pop()!));
    const range = /^0-(\d+)$/.exec(status.headers.get("range") ?? "");
    assert.ok(range, `Range: ${status.headers.get("range")}`);
    const offset = Number(range[1]) + 1;
    t.diagnostic(`acknowledged ${chunked.acked}, sent ${chunked.acked + chunked.secondSent}, stored ${offset}`);
    assert.ok(offset >= chunked.acked, `reports ${offset} bytes, ${chunked.acked} were acknowledged`);
    assert.ok(
      offset <= chunked.acked + chunked.secondSent,
      `reports ${offset} bytes, only ${chunked.acked + chunked.secondSent} were ever sent`,
    );

    const patch = await fetch(url, {
      method: "PATCH",
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `${offset}-${chunked.data.length - 1}`,
      },
      body: chunked.data.subarray(offset),
    });
    assert.equal(patch.status, 202, await patch.text());
    assert.equal(patch.headers.get("range"), `0-${chunked.data.length - 1}`);

    const digest = sha256(chunked.data);
    const put = new URL(patch.headers.get("location") ?? chunked.location, wharf.url);
    put.searchParams.set("digest", digest);
    const done = await fetch(put, { method: "PUT" });
    assert.equal(done.status, 201, await done.text());
    assert.equal(done.headers.get("docker-content-digest"), digest);

    const blob = await fetch(`${wharf.url}/v2/${repo}/blobs/${digest}`);
    assert.equal(blob.status, 200);
    assert.deepEqual(Buffer.from(await blob.arrayBuffer()), chunked.data);
    const gone = await fetch(url);
    assert.equal(gone.status, 404);
    assert.equal(await errorCode(gone), "BLOB_UPLOAD_UNKNOWN");
  });

  test("no temporary files are left in the blob store after the next writes", async () => {
    const more = randomBytes(mib + 3);
    await pushBlob(wharf.url, repo, more);
    const temporary = (await filesUnder(join(dataDir, "blobs"))).filter((file) => /\.tmp-/.test(file));
    assert.deepEqual(temporary, []);
    // Every stored blob file holds exactly the bytes its name promises.
    for (const file of await filesUnder(join(dataDir, "blobs", "blobs"))) {
      const hex = file.split("/").at(-1)!;
      const hash = createHash("sha256");
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
      assert.equal(hash.digest("hex"), hex, `${file} does not match its name`);
    }
  });

  test("the sweeper removes the upload folder the crashed monolithic push left behind", async () => {
    const left = await uploadFolders(dataDir);
    assert.equal(left.length, 1, `upload folders: ${left.join(", ")}`);
    await wharf.stop();
    wharf = await startWharf({ dataDir, env: { WHARF_UPLOADS__EXPIRE_AFTER: "1ms" } });
    await eventually("the orphaned upload folder to be swept", async () =>
      (await uploadFolders(dataDir)).length === 0 ? true : undefined,
    );
    const blob = await fetch(`${wharf.url}/v2/${repo}/blobs/${monolithicDigest}`, { method: "HEAD" });
    assert.equal(blob.status, 404);
    for (const digest of acknowledged.keys()) {
      const res = await fetch(`${wharf.url}/v2/${repo}/blobs/${digest}`, { method: "HEAD" });
      assert.equal(res.status, 200);
    }
  });
});

describe("SIGTERM is graceful", () => {
  const repo = "graceful/app";
  let wharf: WharfProcess;

  before(async () => {
    wharf = await startWharf();
  });

  after(async () => {
    await wharf?.stop();
    if (wharf) await removeDataDir(wharf.dataDir);
  });

  test("a GET in flight when SIGTERM arrives completes fully, then the process exits 0", async () => {
    const data = randomBytes(48 * mib);
    const digest = await pushBlob(wharf.url, repo, data);

    const received: Buffer[] = [];
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${wharf.url}/v2/${repo}/blobs/${digest}`, { agent: false }, resolve);
      req.once("error", reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    assert.equal(Number(res.headers["content-length"]), data.length);
    const ended = new Promise<void>((resolve, reject) => {
      res.once("end", resolve);
      res.once("error", reject);
      res.once("aborted", () => reject(new Error("the response was cut off")));
    });
    // Read the first chunk, then stop reading: the server is stuck mid-body.
    const [first] = (await once(res, "data")) as [Buffer];
    res.pause();
    received.push(first);

    wharf.child.kill("SIGTERM");
    await eventually("the shutdown to begin", async () => (/shutting down/.test(wharf.output()) ? true : undefined));
    // New connections are refused while the GET is still open.
    await eventually("new connections to be refused", async () => {
      const refused = await new Promise<boolean>((resolve) => {
        const probe = request(`${wharf.url}/v2/`, { agent: false }, (r) => {
          r.resume();
          resolve(false);
        });
        probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
        probe.end();
      });
      return refused ? true : undefined;
    });
    assert.equal(wharf.child.exitCode, null, "the server exited with a response in flight");

    res.on("data", (chunk: Buffer) => received.push(chunk));
    res.resume();
    await ended;
    const body = Buffer.concat(received);
    assert.equal(body.length, data.length);
    assert.equal(sha256(body), digest);

    assert.deepEqual(await exitOf(wharf.child), { code: 0, signal: null });
  });
});

describe("SIGTERM with a keep-alive client (how skopeo, containerd and docker connect)", () => {
  const repo = "graceful/keepalive";
  let wharf: WharfProcess;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  before(async () => {
    wharf = await startWharf();
  });

  after(async () => {
    agent.destroy();
    await wharf?.stop();
    if (wharf) await removeDataDir(wharf.dataDir);
  });

  test("once the in-flight GET is done the server closes the connection and exits without waiting out its grace period", async () => {
    const data = randomBytes(32 * mib);
    const digest = await pushBlob(wharf.url, repo, data);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${wharf.url}/v2/${repo}/blobs/${digest}`, { agent }, resolve);
      req.once("error", reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    const received: Buffer[] = [];
    const [first] = (await once(res, "data")) as [Buffer];
    res.pause();
    received.push(first);

    wharf.child.kill("SIGTERM");
    await eventually("the shutdown to begin", async () => (/shutting down/.test(wharf.output()) ? true : undefined));
    res.on("data", (chunk: Buffer) => received.push(chunk));
    const ended = once(res, "end");
    res.resume();
    await ended;
    assert.equal(sha256(Buffer.concat(received)), digest);

    // The client keeps its connection open (it may reuse it), as real clients do.
    // A graceful server closes it once the response is done and exits; the
    // server's forced close comes only after a 30 s grace, so waiting 15 s
    // tells the two apart with a wide margin (this bounds a hang, it does not
    // measure speed).
    const exited = exitOf(wharf.child);
    const bound = new AbortController();
    const outcome = await Promise.race([
      exited,
      delay(15_000, "still running" as const, { signal: bound.signal }),
    ]).finally(() => bound.abort());
    assert.notEqual(
      outcome,
      "still running",
      "the server kept running for 15 s after its last in-flight request finished: it waits for the idle keep-alive connection until the 30 s grace forces it closed",
    );
    assert.deepEqual(outcome, { code: 0, signal: null });
  });
});
