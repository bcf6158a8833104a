/**
 * @module
 * Wharf on S3 end to end: `wharf serve` with `WHARF_STORAGE__DRIVER=s3`
 * against s3rver on a loopback port. skopeo copies a multi-layer image (one
 * layer larger than a multipart part) in and back out byte for byte, the
 * blobs land in the bucket and not on the local disk; a chunked upload
 * begun on one node is continued and completed on a second node that shares
 * only the bucket; an upload body cut off mid-stream resumes where it broke;
 * `storage.redirect` sends blob GETs to presigned URLs; credentials come from
 * the AWS chain; and a store that is down makes requests 503, not 500.
 * Skipped when s3rver is not installed; failed under CI.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import { ListObjectsCommand } from "@aws-sdk/client-s3";
import { createS3Location } from "../src/storage/s3-client.ts";
import { type S3TestServer, s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";
import {
  type BuiltImage,
  blobsOf,
  buildImage,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { runOk } from "./support/run-command.ts";
import { removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const unavailable = s3rverUnavailable();
const mib = 1024 * 1024;

function skopeo(...args: string[]): Promise<string> {
  return runOk("skopeo", ["--insecure-policy", ...args]);
}

async function bucketKeys(s3: S3TestServer, prefix: string): Promise<string[]> {
  const { client, bucket } = createS3Location(s3.options);
  try {
    const out = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((object) => object.Key!);
  } finally {
    client.destroy();
  }
}

async function patch(url: string, location: string, body: Buffer, start: number): Promise<Response> {
  return fetch(`${url}${location}`, {
    method: "PATCH",
    headers: { "content-range": `${start}-${start + body.length - 1}`, "content-type": "application/octet-stream" },
    body,
  });
}

if (unavailable !== undefined && process.env.CI) {
  test("wharf on S3 (s3rver)", () => assert.fail(`cannot run under CI: ${unavailable}`));
}

describe("wharf on S3 (s3rver)", { skip: unavailable }, () => {
  let s3: S3TestServer;
  let nodeA: WharfProcess;
  let nodeB: WharfProcess;
  let work: string;
  let image: BuiltImage;

  before(async () => {
    s3 = await startS3TestServer("wharf-e2e");
    const env = { ...s3.env, WHARF_STORAGE__S3__PREFIX: "registry/" };
    [nodeA, nodeB] = await Promise.all([startWharf({ env }), startWharf({ env })]);
    work = await mkdtemp(join(tmpdir(), "wharf-s3-e2e-"));
    image = buildImage({
      architecture: "amd64",
      labels: { "org.example.app": "s3" },
      layers: [
        [{ name: "etc/app.conf", content: "storage = s3\n" }],
        [{ name: "usr/bin/app", content: seededBytes("s3 app binary", 12 * mib + 5), mode: 0o755 }],
        [{ name: "usr/share/app/data", content: seededBytes("s3 data", 300_000) }],
      ],
    });
    await writeOciLayout(join(work, "source"), [{ tag: "app", item: image }]);
  });

  after(async () => {
    for (const node of [nodeA, nodeB]) {
      if (!node) continue;
      await node.stop();
      await removeDataDir(node.dataDir);
    }
    await s3?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("skopeo copies a multi-layer image in and out byte for byte, with the blobs in the bucket", async () => {
    const ref = `docker://${nodeA.host}/acme/app:1.0`;
    await skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", `oci:${join(work, "source")}:app`, ref);
    const out = join(work, "out");
    await skopeo("copy", "--preserve-digests", "--src-tls-verify=false", ref, `oci:${out}:app`);
    const contents = await readOciLayout(out);
    assert.equal(taggedDescriptor(contents, "app")?.digest, image.manifest.digest);
    const expected = new Map(blobsOf(image).map((blob) => [blob.digest, blob.bytes]));
    assert.deepEqual([...contents.blobs.keys()].sort(), [...expected.keys()].sort());
    for (const [digest, bytes] of contents.blobs) assert.deepEqual(bytes, expected.get(digest), digest);

    const stored = await bucketKeys(s3, "registry/blobs/");
    for (const blob of [image.config, ...image.layers]) {
      const encoded = blob.digest.slice("sha256:".length);
      assert.ok(stored.includes(`registry/blobs/sha256/${encoded.slice(0, 2)}/${encoded}`), blob.digest);
    }
    assert.ok(!(await readdir(nodeA.dataDir)).includes("blobs"), "no blob folder on the local disk");
    assert.deepEqual(await bucketKeys(s3, "registry/uploads/"), [], "no upload session is left");
  });

  it("a chunked upload begun on one node is continued and completed on another", async () => {
    const chunks = [seededBytes("chunk 1", 3 * mib), seededBytes("chunk 2", 6 * mib + 1), seededBytes("chunk 3", 1000)];
    const last = seededBytes("chunk 4", 2 * mib);
    const whole = Buffer.concat([...chunks, last]);
    const digest = `sha256:${createHash("sha256").update(whole).digest("hex")}`;

    const start = await fetch(`${nodeA.url}/v2/acme/chunked/blobs/uploads/`, { method: "POST" });
    assert.equal(start.status, 202);
    const location = start.headers.get("location")!;
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const node = i === 0 ? nodeA : nodeB;
      const res = await patch(node.url, location, chunk, offset);
      assert.equal(res.status, 202, await res.text());
      offset += chunk.length;
      assert.equal(res.headers.get("range"), `0-${offset - 1}`);
    }
    const status = await fetch(`${nodeA.url}${location}`);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get("range"), `0-${offset - 1}`, "node A sees node B's chunks");

    const put = await fetch(`${nodeB.url}${location}${location.includes("?") ? "&" : "?"}digest=${digest}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: last,
    });
    assert.equal(put.status, 201, await put.text());
    const got = await fetch(`${nodeB.url}/v2/acme/chunked/blobs/${digest}`);
    assert.equal(got.status, 200);
    assert.equal(
      createHash("sha256")
        .update(Buffer.from(await got.arrayBuffer()))
        .digest("hex"),
      digest.slice(7),
    );
    const range = await fetch(`${nodeB.url}/v2/acme/chunked/blobs/${digest}`, { headers: { range: "bytes=0-0" } });
    assert.equal(range.status, 206);
    assert.deepEqual(Buffer.from(await range.arrayBuffer()), whole.subarray(0, 1));
    assert.equal((await fetch(`${nodeA.url}${location}`)).status, 404, "the session is gone on every node");
  });

  it("an upload body cut off mid-stream keeps the bytes received, and the upload resumes there", async () => {
    const sent = seededBytes("cut part", 9 * mib + 7);
    const rest = seededBytes("rest", 2 * mib);
    const digest = `sha256:${createHash("sha256").update(sent).update(rest).digest("hex")}`;
    const start = await fetch(`${nodeA.url}/v2/acme/resumed/blobs/uploads/`, { method: "POST" });
    const location = start.headers.get("location")!;
    // Declare more bytes than sent, send them, then close our side: Wharf reads
    // every byte sent, then sees the body end early.
    const socket = connect(Number(new URL(nodeA.url).port), "127.0.0.1");
    await once(socket, "connect");
    socket.write(
      `PATCH ${location} HTTP/1.1\r\nHost: ${nodeA.host}\r\nContent-Type: application/octet-stream\r\n` +
        `Content-Length: ${sent.length + rest.length}\r\n\r\n`,
    );
    socket.end(sent);
    socket.resume();
    await once(socket, "close");
    // A PATCH waits for the session's previous append on this node to finish.
    const resumed = await fetch(`${nodeA.url}${location}`, {
      method: "PATCH",
      headers: { "content-range": `${sent.length}-${sent.length + rest.length - 1}` },
      body: rest,
    });
    assert.equal(resumed.status, 202, await resumed.text());
    assert.equal(resumed.headers.get("range"), `0-${sent.length + rest.length - 1}`);
    const put = await fetch(`${nodeA.url}${location}${location.includes("?") ? "&" : "?"}digest=${digest}`, {
      method: "PUT",
    });
    assert.equal(put.status, 201, await put.text());
  });

  it("with storage.redirect, blob GETs are 307s to presigned URLs that skopeo follows", async () => {
    const env = {
      ...s3.env,
      WHARF_STORAGE__S3__PREFIX: "registry/",
      WHARF_STORAGE__REDIRECT: "true",
      WHARF_STORAGE__REDIRECT_TTL: "5m",
    };
    const nodeC = await startWharf({ env });
    try {
      // Node C has its own metadata: push the image there too (the layers already sit in the bucket).
      const ref = `docker://${nodeC.host}/acme/app:1.0`;
      await skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", `oci:${join(work, "source")}:app`, ref);
      const layer = image.layers[1]!;
      const res = await fetch(`${nodeC.url}/v2/acme/app/blobs/${layer.digest}`, { redirect: "manual" });
      assert.equal(res.status, 307);
      const location = new URL(res.headers.get("location")!);
      assert.equal(location.origin, s3.endpoint);
      assert.equal(location.searchParams.get("X-Amz-Expires"), "300");
      assert.ok(location.searchParams.get("X-Amz-Signature"));
      assert.deepEqual(Buffer.from(await (await fetch(location)).arrayBuffer()), layer.bytes);
      const head = await fetch(`${nodeC.url}/v2/acme/app/blobs/${layer.digest}`, { method: "HEAD" });
      assert.equal(head.status, 200, "HEAD is answered by Wharf");
      assert.equal(head.headers.get("content-length"), String(layer.bytes.length));
      const unknown = await fetch(`${nodeC.url}/v2/acme/other/blobs/${layer.digest}`, { redirect: "manual" });
      assert.equal(unknown.status, 404, "no URL for a blob not linked in the repository");
      const out = join(work, "out-redirect");
      await skopeo("copy", "--preserve-digests", "--src-tls-verify=false", ref, `oci:${out}:app`);
      const contents = await readOciLayout(out);
      for (const blob of blobsOf(image)) assert.deepEqual(contents.blobs.get(blob.digest), blob.bytes, blob.digest);
    } finally {
      await nodeC.stop();
      await removeDataDir(nodeC.dataDir);
    }
  });

  it("takes credentials from the standard AWS chain when the configuration has none", async () => {
    const { WHARF_STORAGE__S3__ACCESS_KEY_ID: _key, WHARF_STORAGE__S3__SECRET_ACCESS_KEY: _secret, ...rest } = s3.env;
    const base = { ...rest, WHARF_STORAGE__S3__PREFIX: "registry/", AWS_PROFILE: "", AWS_SESSION_TOKEN: "" };
    const good = await startWharf({ env: { ...base, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" } });
    const bad = await startWharf({ env: { ...base, AWS_ACCESS_KEY_ID: "NOBODY", AWS_SECRET_ACCESS_KEY: "wrong" } });
    try {
      assert.equal((await fetch(`${good.url}/readyz`)).status, 200);
      assert.equal((await fetch(`${bad.url}/readyz`)).status, 503, "an unknown key is refused by the store");
    } finally {
      for (const node of [good, bad]) {
        await node.stop();
        await removeDataDir(node.dataDir);
      }
    }
    // Logs are written asynchronously: read them once the process has exited.
    assert.match(bad.output(), /InvalidAccessKeyId/);
    assert.doesNotMatch(bad.output(), /"wrong"/, "the secret is not logged");
  });

  it("answers 503 UNAVAILABLE, not 500, while the object store is down, and /readyz says so", async () => {
    const digest = image.layers[0]!.digest;
    assert.equal((await fetch(`${nodeA.url}/v2/acme/app/blobs/${digest}`)).status, 200);
    await s3.stop();
    const res = await fetch(`${nodeA.url}/v2/acme/app/blobs/${digest}`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, "UNAVAILABLE");
    assert.match(body.errors[0]!.message, /blob store is unavailable/);
    assert.equal((await fetch(`${nodeA.url}/readyz`)).status, 503);
    const content = Buffer.from("pushed while the store is down");
    const push = await fetch(
      `${nodeA.url}/v2/acme/down/blobs/uploads/?digest=sha256:${createHash("sha256").update(content).digest("hex")}`,
      { method: "POST", body: content },
    );
    assert.equal(push.status, 503, "a push fails as unavailable too");
  });
});
