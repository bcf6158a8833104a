/**
 * @module
 * The OCI Distribution Spec v1.1 API end to end against the real server on
 * an ephemeral port: every endpoint, and every error code a client can
 * provoke, with the spec's status and JSON envelope.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { errorCode, pushBlob, pushImage, sha256 } from "./support/registry-http.ts";
import { removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let base: string;

before(async () => {
  wharf = await startWharf();
  base = wharf.url;
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
});

const ociManifest = "application/vnd.oci.image.manifest.v1+json";
const ociIndex = "application/vnd.oci.image.index.v1+json";

describe("base and discovery", () => {
  it("GET /v2/ answers 200 with the API version header", async () => {
    const res = await fetch(`${base}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("docker-distribution-api-version"), "registry/2.0");
    assert.deepEqual(await res.json(), {});
  });

  it("health, readiness and metrics answer", async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /wharf_http_requests_total/);
  });

  it("an unknown path is a JSON 404, an unsupported method a 405 UNSUPPORTED", async () => {
    const res = await fetch(`${base}/nothing`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "NOT_FOUND");
    const put = await fetch(`${base}/v2/a/b/tags/list`, { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(await errorCode(put), "UNSUPPORTED");
  });
});

describe("blob uploads", () => {
  it("monolithic POST ?digest= stores a blob served with digest headers", async () => {
    const digest = await pushBlob(base, "mono/repo", "monolithic");
    const head = await fetch(`${base}/v2/mono/repo/blobs/${digest}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "10");
    assert.equal(head.headers.get("docker-content-digest"), digest);
    assert.equal(head.headers.get("accept-ranges"), "bytes");
    const get = await fetch(`${base}/v2/mono/repo/blobs/${digest}`);
    assert.equal(await get.text(), "monolithic");
  });

  it("POST then PUT with the body", async () => {
    const start = await fetch(`${base}/v2/two/step/blobs/uploads/`, { method: "POST" });
    assert.equal(start.status, 202);
    const location = start.headers.get("location")!;
    assert.match(location, /^\/v2\/two\/step\/blobs\/uploads\/[0-9a-f-]{36}$/);
    assert.ok(start.headers.get("docker-upload-uuid"));
    const digest = sha256("two-step");
    const put = await fetch(`${base}${location}?digest=${digest}`, {
      method: "PUT",
      body: "two-step",
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get("location"), `/v2/two/step/blobs/${digest}`);
    assert.equal(put.headers.get("docker-content-digest"), digest);
  });

  it("chunked PATCH with Content-Range, status after chunks, out-of-order chunk 416, then PUT", async () => {
    const start = await fetch(`${base}/v2/chunked/blobs/uploads/`, { method: "POST" });
    const location = start.headers.get("location")!;
    const first = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": "0-4", "content-type": "application/octet-stream" },
      body: "hello",
    });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get("range"), "0-4");
    const status = await fetch(`${base}${location}`);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get("range"), "0-4");
    assert.equal(status.headers.get("location"), location);
    const outOfOrder = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": "10-14" },
      body: "xxxxx",
    });
    assert.equal(outOfOrder.status, 416);
    assert.equal(outOfOrder.headers.get("range"), "0-4");
    assert.equal(await errorCode(outOfOrder), "BLOB_UPLOAD_INVALID");
    const second = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": "5-10" },
      body: " world",
    });
    assert.equal(second.status, 202);
    assert.equal(second.headers.get("range"), "0-10");
    const digest = sha256("hello world");
    const put = await fetch(`${base}${location}?digest=${digest}`, { method: "PUT" });
    assert.equal(put.status, 201);
    assert.equal(await (await fetch(`${base}/v2/chunked/blobs/${digest}`)).text(), "hello world");
    const gone = await fetch(`${base}${location}`);
    assert.equal(gone.status, 404);
    assert.equal(await errorCode(gone), "BLOB_UPLOAD_UNKNOWN");
  });

  it("a completing PUT whose Content-Range does not start where the session ends is 416, and the session stays usable", async () => {
    const start = await fetch(`${base}/v2/chunked/blobs/uploads/`, { method: "POST" });
    const location = start.headers.get("location")!;
    const first = await fetch(`${base}${location}`, { method: "PATCH", body: "hello" });
    assert.equal(first.status, 202);
    const digest = sha256("hello world");
    const early = await fetch(`${base}${location}?digest=${digest}`, {
      method: "PUT",
      headers: { "content-range": "3-8", "content-type": "application/octet-stream" },
      body: " world",
    });
    assert.equal(early.status, 416);
    assert.equal(early.headers.get("range"), "0-4");
    assert.deepEqual(await early.json(), {
      errors: [{ code: "BLOB_UPLOAD_INVALID", message: "chunk starts at byte 3 but 5 bytes were received so far" }],
    });
    const put = await fetch(`${base}${location}?digest=${digest}`, {
      method: "PUT",
      headers: { "content-range": "5-10", "content-type": "application/octet-stream" },
      body: " world",
    });
    assert.equal(put.status, 201);
  });

  it("streaming PATCH without Content-Range appends", async () => {
    const location = (await fetch(`${base}/v2/stream/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    await fetch(`${base}${location}`, { method: "PATCH", body: "abc" });
    const again = await fetch(`${base}${location}`, { method: "PATCH", body: "def" });
    assert.equal(again.headers.get("range"), "0-5");
    const put = await fetch(`${base}${location}?digest=${sha256("abcdef")}`, { method: "PUT" });
    assert.equal(put.status, 201);
  });

  it("a wrong digest is DIGEST_INVALID and stores nothing", async () => {
    const wrong = sha256("something else");
    const res = await fetch(`${base}/v2/bad/digest/blobs/uploads/?digest=${wrong}`, {
      method: "POST",
      body: "content",
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "DIGEST_INVALID");
    assert.equal((await fetch(`${base}/v2/bad/digest/blobs/${wrong}`, { method: "HEAD" })).status, 404);
    assert.equal((await fetch(`${base}/v2/bad/digest/blobs/${sha256("content")}`, { method: "HEAD" })).status, 404);
  });

  it("malformed digests are 400 DIGEST_INVALID with a JSON body", async () => {
    for (const digest of ["sha256:xyz", "md5:abc", "sha256:ABCDEF", "notadigest", `sha256:${"a".repeat(63)}`]) {
      const res = await fetch(`${base}/v2/x/blobs/${digest}`);
      assert.equal(res.status, 400, digest);
      assert.equal(await errorCode(res), "DIGEST_INVALID");
    }
    const put = await fetch(`${base}/v2/x/blobs/uploads/?digest=sha256:nope`, {
      method: "POST",
      body: "a",
    });
    assert.equal(await errorCode(put), "DIGEST_INVALID");
  });

  it("PUT without digest, mismatched Content-Range length, unknown session", async () => {
    const location = (await fetch(`${base}/v2/errs/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const noDigest = await fetch(`${base}${location}`, { method: "PUT" });
    assert.equal(await errorCode(noDigest), "DIGEST_INVALID");
    const mismatch = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": "0-9" },
      body: "abc",
    });
    assert.equal(mismatch.status, 400);
    assert.equal(await errorCode(mismatch), "SIZE_INVALID");
    const unknown = await fetch(`${base}/v2/errs/blobs/uploads/00000000-0000-0000-0000-000000000000`);
    assert.equal(await errorCode(unknown), "BLOB_UPLOAD_UNKNOWN");
    const otherRepo = await fetch(`${base}${location.replace("/errs/", "/other/")}`);
    assert.equal(await errorCode(otherRepo), "BLOB_UPLOAD_UNKNOWN");
  });

  it("cancel deletes the session", async () => {
    const location = (await fetch(`${base}/v2/cancel/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    assert.equal((await fetch(`${base}${location}`, { method: "DELETE" })).status, 204);
    assert.equal((await fetch(`${base}${location}`)).status, 404);
  });

  it("Range requests return 206, and an unsatisfiable range 416", async () => {
    const digest = await pushBlob(base, "ranges", "0123456789");
    const part = await fetch(`${base}/v2/ranges/blobs/${digest}`, {
      headers: { range: "bytes=2-5" },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 2-5/10");
    assert.equal(await part.text(), "2345");
    const suffix = await fetch(`${base}/v2/ranges/blobs/${digest}`, {
      headers: { range: "bytes=-3" },
    });
    assert.equal(await suffix.text(), "789");
    const outside = await fetch(`${base}/v2/ranges/blobs/${digest}`, {
      headers: { range: "bytes=20-30" },
    });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get("content-range"), "bytes */10");
  });

  it("a blob belongs to its repository: other repositories get BLOB_UNKNOWN", async () => {
    const digest = await pushBlob(base, "tenant-a/secret", "tenant a data");
    const res = await fetch(`${base}/v2/tenant-b/probe/blobs/${digest}`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "BLOB_UNKNOWN");
  });

  it("cross-repository mount with from, and without from", async () => {
    const digest = await pushBlob(base, "mount/source", "mount me");
    const mounted = await fetch(`${base}/v2/mount/target/blobs/uploads/?mount=${digest}&from=mount/source`, {
      method: "POST",
    });
    assert.equal(mounted.status, 201);
    assert.equal(mounted.headers.get("location"), `/v2/mount/target/blobs/${digest}`);
    assert.equal(await (await fetch(`${base}/v2/mount/target/blobs/${digest}`)).text(), "mount me");
    const noFrom = await fetch(`${base}/v2/mount/third/blobs/uploads/?mount=${digest}`, {
      method: "POST",
    });
    assert.equal(noFrom.status, 201);
    const missing = await fetch(`${base}/v2/mount/target/blobs/uploads/?mount=${sha256("nowhere")}&from=mount/source`, {
      method: "POST",
    });
    assert.equal(missing.status, 202, "an unmountable blob starts an ordinary upload");
    assert.match(missing.headers.get("location")!, /\/blobs\/uploads\//);
  });

  it("DELETE unlinks the blob from the repository only", async () => {
    const digest = await pushBlob(base, "del/one", "shared");
    await pushBlob(base, "del/two", "shared");
    assert.equal((await fetch(`${base}/v2/del/one/blobs/${digest}`, { method: "DELETE" })).status, 202);
    assert.equal((await fetch(`${base}/v2/del/one/blobs/${digest}`, { method: "HEAD" })).status, 404);
    assert.equal((await fetch(`${base}/v2/del/two/blobs/${digest}`, { method: "HEAD" })).status, 200);
    const again = await fetch(`${base}/v2/del/one/blobs/${digest}`, { method: "DELETE" });
    assert.equal(await errorCode(again), "BLOB_UNKNOWN");
  });
});

describe("manifests", () => {
  it("PUT by tag, GET/HEAD by tag and digest with negotiation", async () => {
    const image = await pushImage(base, "man/app", "1.0");
    for (const ref of ["1.0", image.digest]) {
      const res = await fetch(`${base}/v2/man/app/manifests/${ref}`, {
        headers: { accept: ociManifest },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), ociManifest);
      assert.equal(res.headers.get("docker-content-digest"), image.digest);
      assert.equal(await res.text(), image.body);
      const head = await fetch(`${base}/v2/man/app/manifests/${ref}`, { method: "HEAD" });
      assert.equal(head.headers.get("content-length"), String(Buffer.byteLength(image.body)));
    }
    const docker = await fetch(`${base}/v2/man/app/manifests/1.0`, {
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    assert.equal(docker.status, 404);
    assert.equal(await errorCode(docker), "MANIFEST_UNKNOWN");
  });

  it("PUT by digest must match the content", async () => {
    const image = await pushImage(base, "man/bydigest", "t");
    const put = await fetch(`${base}/v2/man/bydigest/manifests/${image.digest}`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body: image.body,
    });
    assert.equal(put.status, 201);
    const wrong = await fetch(`${base}/v2/man/bydigest/manifests/${sha256("other")}`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body: image.body,
    });
    assert.equal(await errorCode(wrong), "DIGEST_INVALID");
  });

  it("refuses manifests whose blobs are not in the repository", async () => {
    const config = await pushBlob(base, "elsewhere", "{}");
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 },
      layers: [],
    });
    const res = await fetch(`${base}/v2/man/missing/manifests/v1`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
  });

  it("an index needs its child manifests; Docker schema 2 and manifest lists are accepted", async () => {
    const child = await pushImage(base, "man/index", "amd64");
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
      manifests: [
        {
          mediaType: ociManifest,
          digest: child.digest,
          size: Buffer.byteLength(child.body),
          platform: { architecture: "amd64", os: "linux" },
        },
      ],
    });
    const ok = await fetch(`${base}/v2/man/index/manifests/multi`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.docker.distribution.manifest.list.v2+json" },
      body: list,
    });
    assert.equal(ok.status, 201);
    const orphan = list.replace(child.digest, sha256("not a manifest"));
    const bad = await fetch(`${base}/v2/man/index/manifests/orphan`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.docker.distribution.manifest.list.v2+json" },
      body: orphan,
    });
    assert.equal(await errorCode(bad), "MANIFEST_BLOB_UNKNOWN");
  });

  it("refuses invalid JSON, schema 1, unknown media types and oversized bodies", async () => {
    const cases: [string, string][] = [
      ["{not json", ociManifest],
      [
        JSON.stringify({ schemaVersion: 1, name: "x", tag: "y", fsLayers: [] }),
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
      ],
      [JSON.stringify({ schemaVersion: 2, mediaType: "application/x-unknown", layers: [] }), "application/x-unknown"],
    ];
    for (const [body, type] of cases) {
      const res = await fetch(`${base}/v2/man/bad/manifests/x`, {
        method: "PUT",
        headers: { "content-type": type },
        body,
      });
      assert.equal(res.status, 400, body);
      assert.equal(await errorCode(res), "MANIFEST_INVALID");
    }
    const huge = await fetch(`${base}/v2/man/bad/manifests/x`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body: "x".repeat(5 * 1024 * 1024),
    });
    assert.equal(huge.status, 413);
  });

  it("unknown manifests are MANIFEST_UNKNOWN; invalid tags are unknown on GET/HEAD, refused on PUT", async () => {
    const res = await fetch(`${base}/v2/man/app/manifests/nope`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "MANIFEST_UNKNOWN");
    const badTag = await fetch(`${base}/v2/man/app/manifests/.INVALID_MANIFEST_NAME`);
    assert.equal(badTag.status, 404);
    assert.equal(await errorCode(badTag), "MANIFEST_UNKNOWN");
    const badHead = await fetch(`${base}/v2/man/app/manifests/-bad`, { method: "HEAD" });
    assert.equal(badHead.status, 404);
    const badPut = await fetch(`${base}/v2/man/app/manifests/-bad`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body: "{}",
    });
    assert.equal(badPut.status, 400);
    assert.equal(await errorCode(badPut), "MANIFEST_INVALID");
  });

  it("DELETE a tag keeps the manifest; DELETE by digest removes it and its tags", async () => {
    const image = await pushImage(base, "man/del", "keep");
    await fetch(`${base}/v2/man/del/manifests/other`, {
      method: "PUT",
      headers: { "content-type": ociManifest },
      body: image.body,
    });
    assert.equal((await fetch(`${base}/v2/man/del/manifests/other`, { method: "DELETE" })).status, 202);
    assert.equal((await fetch(`${base}/v2/man/del/manifests/other`)).status, 404);
    assert.equal((await fetch(`${base}/v2/man/del/manifests/${image.digest}`)).status, 200);
    assert.equal((await fetch(`${base}/v2/man/del/manifests/${image.digest}`, { method: "DELETE" })).status, 202);
    assert.equal((await fetch(`${base}/v2/man/del/manifests/keep`)).status, 404);
    const again = await fetch(`${base}/v2/man/del/manifests/${image.digest}`, { method: "DELETE" });
    assert.equal(await errorCode(again), "MANIFEST_UNKNOWN");
  });
});

describe("tags, catalog and referrers", () => {
  it("tags are sorted and paginated with n/last and Link", async () => {
    const image = await pushImage(base, "tags/app", "c");
    for (const tag of ["a", "b", "d"]) {
      await fetch(`${base}/v2/tags/app/manifests/${tag}`, {
        method: "PUT",
        headers: { "content-type": ociManifest },
        body: image.body,
      });
    }
    const all = (await (await fetch(`${base}/v2/tags/app/tags/list`)).json()) as {
      name: string;
      tags: string[];
    };
    assert.deepEqual(all, { name: "tags/app", tags: ["a", "b", "c", "d"] });
    const page = await fetch(`${base}/v2/tags/app/tags/list?n=2`);
    assert.deepEqual(((await page.json()) as { tags: string[] }).tags, ["a", "b"]);
    assert.equal(page.headers.get("link"), '</v2/tags/app/tags/list?n=2&last=b>; rel="next"');
    const next = await fetch(`${base}/v2/tags/app/tags/list?n=2&last=b`);
    assert.deepEqual(((await next.json()) as { tags: string[] }).tags, ["c", "d"]);
    assert.equal(next.headers.get("link"), null);
    const bad = await fetch(`${base}/v2/tags/app/tags/list?n=-1`);
    assert.equal(bad.status, 400);
    const unknown = await fetch(`${base}/v2/tags/never/tags/list`);
    assert.equal(await errorCode(unknown), "NAME_UNKNOWN");
  });

  it("the catalog is sorted and paginated", async () => {
    const all = (await (await fetch(`${base}/v2/_catalog`)).json()) as { repositories: string[] };
    assert.ok(all.repositories.includes("tags/app"));
    assert.deepEqual(all.repositories, [...all.repositories].sort());
    const page = await fetch(`${base}/v2/_catalog?n=1`);
    assert.equal(((await page.json()) as { repositories: string[] }).repositories.length, 1);
    assert.match(page.headers.get("link")!, /^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
  });

  it("referrers list manifests with a subject, filtered by artifactType", async () => {
    const subject = await pushImage(base, "refs/app", "1");
    const empty = await pushBlob(base, "refs/app", "{}");
    const subjectDescriptor = {
      mediaType: ociManifest,
      digest: subject.digest,
      size: Buffer.byteLength(subject.body),
    };
    const artifact = (artifactType: string, note: string) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType,
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty, size: 2 },
        layers: [],
        subject: subjectDescriptor,
        annotations: { note },
      });
    const sbom = artifact("application/spdx+json", "sbom");
    const sig = artifact("application/vnd.dev.sigstore.bundle+json", "sig");
    for (const body of [sbom, sig]) {
      const put = await fetch(`${base}/v2/refs/app/manifests/${sha256(body)}`, {
        method: "PUT",
        headers: { "content-type": ociManifest },
        body,
      });
      assert.equal(put.status, 201);
      assert.equal(put.headers.get("oci-subject"), subject.digest);
    }
    const res = await fetch(`${base}/v2/refs/app/referrers/${subject.digest}`);
    assert.equal(res.headers.get("content-type"), ociIndex);
    const index = (await res.json()) as {
      manifests: { digest: string; artifactType: string; annotations: Record<string, string> }[];
    };
    assert.equal(index.manifests.length, 2);
    const filtered = await fetch(
      `${base}/v2/refs/app/referrers/${subject.digest}?artifactType=application/spdx%2Bjson`,
    );
    assert.equal(filtered.headers.get("oci-filters-applied"), "artifactType");
    const only = (await filtered.json()) as typeof index;
    assert.deepEqual(
      only.manifests.map((m) => [m.digest, m.artifactType, m.annotations.note]),
      [[sha256(sbom), "application/spdx+json", "sbom"]],
    );
    const none = (await (await fetch(`${base}/v2/refs/app/referrers/${sha256("nothing")}`)).json()) as typeof index;
    assert.deepEqual(none.manifests, []);
    const bad = await fetch(`${base}/v2/refs/app/referrers/sha256:bad`);
    assert.equal(await errorCode(bad), "DIGEST_INVALID");
  });
});

/** A GET whose path is sent exactly as written (fetch would resolve dot segments first). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("names", () => {
  it("accepts deep names and refuses invalid ones with NAME_INVALID", async () => {
    await pushBlob(base, "a/b/c/d/e/f", "deep");
    const names = [
      "UPPER/case",
      "..",
      "a/../b",
      "../../etc",
      "%2e%2e/x",
      "a/%2e%2e/b",
      "a//b",
      "-lead",
      "a".repeat(256),
    ];
    for (const name of names) {
      const res = await rawGet(`/v2/${name}/tags/list`);
      assert.equal(res.status, 400, `${name}: ${res.body}`);
      assert.equal(JSON.parse(res.body).errors[0].code, "NAME_INVALID");
    }
  });

  it("huge headers are refused without harm", async () => {
    const res = await fetch(`${base}/v2/`, { headers: { "x-big": "a".repeat(64 * 1024) } });
    assert.equal(res.status, 431);
    assert.equal((await fetch(`${base}/v2/`)).status, 200);
  });
});

describe("bad input", () => {
  /** Sends `head` and `body` on a raw socket, then closes it before the declared length is reached. */
  async function sendTruncated(head: string, body: Buffer): Promise<void> {
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname);
    await once(socket, "connect");
    socket.write(head);
    socket.write(body);
    await new Promise((done) => setTimeout(done, 100));
    socket.destroy();
    await new Promise((done) => setTimeout(done, 100));
  }

  it("a truncated monolithic push stores nothing", async () => {
    const data = Buffer.alloc(1000, 7);
    const digest = sha256(data);
    await sendTruncated(
      `POST /v2/bad/trunc/blobs/uploads/?digest=${digest} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n`,
      data.subarray(0, 500),
    );
    assert.equal((await fetch(`${base}/v2/bad/trunc/blobs/${digest}`, { method: "HEAD" })).status, 404);
    assert.equal((await fetch(`${base}/v2/`)).status, 200);
  });

  it("a truncated chunk leaves a session that reports what it holds and resumes", async () => {
    const location = (await fetch(`${base}/v2/bad/resume/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const data = Buffer.alloc(4000, 9);
    await sendTruncated(
      `PATCH ${location} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 4000\r\n\r\n`,
      data.subarray(0, 1500),
    );
    const status = await fetch(`${base}${location}`);
    assert.equal(status.status, 204);
    const held = Number(/^0-(\d+)$/.exec(status.headers.get("range") ?? "")![1]) + 1;
    assert.ok(held <= 1500, `session holds ${held} bytes`);
    const rest = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": `${held}-${data.length - 1}` },
      body: data.subarray(held),
    });
    assert.equal(rest.status, 202);
    const done = await fetch(`${base}${location}?digest=${sha256(data)}`, { method: "PUT" });
    assert.equal(done.status, 201);
  });

  it("a manifest whose declared length exceeds its body is refused without harm", async () => {
    const image = await pushImage(base, "bad/man", "ok");
    await sendTruncated(
      `PUT /v2/bad/man/manifests/ok HTTP/1.1\r\nHost: x\r\nContent-Type: ${ociManifest}\r\nContent-Length: 900\r\n\r\n`,
      Buffer.from('{"schemaVersion":2,'),
    );
    const res = await fetch(`${base}/v2/bad/man/manifests/ok`);
    assert.equal(await res.text(), image.body);
  });

  it("wrong lengths and unknown media types get spec errors", async () => {
    const mismatch = await fetch(`${base}/v2/bad/len/blobs/uploads/`, { method: "POST" });
    const location = mismatch.headers.get("location")!;
    const patch = await fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { "content-range": "0-99" },
      body: "short",
    });
    assert.equal(await errorCode(patch), "SIZE_INVALID");
    const unknownType = await fetch(`${base}/v2/bad/len/manifests/x`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.example.thing+json" },
      body: JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }),
    });
    assert.equal(unknownType.status, 400);
    assert.equal(await errorCode(unknownType), "MANIFEST_INVALID");
  });
});
