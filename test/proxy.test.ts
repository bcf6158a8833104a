/**
 * @module
 * The pull-through proxy end to end, with real parts: Debian's
 * docker-registry (htpasswd Basic auth) as the upstream behind a loopback
 * forwarder that counts requests (and plays a registry that went down or
 * rate-limits), Wharf started in-process over HTTP with a real upstream
 * directory value and an injected clock, and skopeo as the client.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { validateConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/log/create-logger.ts";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import type { UpstreamDirectory, UpstreamRegistry } from "../src/proxy/upstream-registry.ts";
import {
  corruptStoredBlob,
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushBlob, pushManifest } from "../src/registry-client/testing/test-image.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type S3TestServer, s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";
import { createManagementClient } from "./support/management-client.ts";
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
  seededBytes,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { errorCode } from "./support/registry-http.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword } from "./support/start-wharf.ts";
import { startForwarder, type UpstreamForwarder } from "./support/upstream-forwarder.ts";

const skip = distributionUnavailable();
const minute = 60_000;
const wrongPassword = "not-the-password-xyz";

let upstream: DistributionServer;
let forwarder: UpstreamForwarder;
let wharf: RunningServer;
/** A second Wharf with accounts and token auth on (the default). */
let guardedWharf: RunningServer;
let work: string;
let now = Date.parse("2026-01-01T00:00:00Z");
const logLines: string[] = [];
let single: BuiltImage;
let index: BuiltIndex;

const upstreamAuth = {
  authorization: `Basic ${Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64")}`,
};

function registryFor(name: string, password = testUser.password): UpstreamRegistry {
  return {
    name,
    host: forwarder.host,
    baseUrl: new URL(`http://${forwarder.host}`),
    prefix: "",
    insecure: true,
    credentials: { username: testUser.username, password },
  };
}

/** The app `acme` has upstreams `up` and `up2` (same registry, separate caches) and `badpass` (wrong password). */
const directory: UpstreamDirectory = {
  async find(app, name) {
    if (app !== "acme") return undefined;
    if (name === "up" || name === "up2") return registryFor(name);
    if (name === "badpass") return registryFor(name, wrongPassword);
    return undefined;
  },
  // No prefixes here: a path is the same by short name and by host.
  async locate(app, name, path) {
    const registry = await this.find(app, name);
    return registry && { registry, path };
  },
};

function skopeo(...args: string[]): Promise<string> {
  return runOk("skopeo", ["--insecure-policy", ...args]);
}

function viaProxy(path: string): string {
  return `docker://${wharf.url.replace("http://", "")}/proxy/acme/${path}`;
}

async function layoutDigests(dir: string): Promise<{ top: string; blobs: string[] }> {
  const indexJson = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  return { top: indexJson.manifests[0]!.digest, blobs: (await readdir(join(dir, "blobs", "sha256"))).sort() };
}

function upstreamRequests(pattern: RegExp): string[] {
  return forwarder.requests.filter((line) => pattern.test(line));
}

async function manifest(path: string, reference: string): Promise<Response> {
  return fetch(`${wharf.url}/v2/proxy/acme/${path}/manifests/${reference}`, {
    headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" },
  });
}

before(async () => {
  if (skip) return;
  upstream = await startDistribution(testUser);
  forwarder = await startForwarder(upstream.host);
  work = await mkdtemp(join(tmpdir(), "wharf-proxy-"));
  single = buildImage({
    architecture: "amd64",
    layers: [[{ name: "usr/bin/app", content: seededBytes("proxied app", 300_000), mode: 0o755 }]],
  });
  index = buildIndex([
    buildImage({
      architecture: "amd64",
      layers: [[{ name: "bin/tool", content: seededBytes("tool amd64", 100_000) }]],
    }),
    buildImage({ architecture: "arm64", layers: [[{ name: "bin/tool", content: seededBytes("tool arm64", 90_000) }]] }),
  ]);
  const source = join(work, "source");
  await writeOciLayout(source, [
    { tag: "app", item: single },
    { tag: "multi", item: index },
  ]);
  const creds = `${testUser.username}:${testUser.password}`;
  for (const [tag, target] of [
    ["app", "team/app:1.0"],
    ["app", "team/app:moving"],
    ["multi", "team/app:multi"],
  ] as const) {
    await skopeo(
      "copy",
      "--all",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-creds",
      creds,
      `oci:${source}:${tag}`,
      `docker://${upstream.host}/${target}`,
    );
  }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  });
  const config = validateConfig(
    {
      listen: "127.0.0.1:0",
      dataDir: join(work, "wharf"),
      auth: { enabled: false },
      proxy: { tagTtl: "5m" },
      outbound: { allow: [...loopbackCidrs] },
    },
    "test",
  );
  wharf = await startServer(config, createLogger("info", sink), { upstreams: directory, now: () => now });
  process.env.WHARF_ADMIN_PASSWORD = adminPassword;
  const guarded = validateConfig(
    { listen: "127.0.0.1:0", dataDir: join(work, "wharf-auth"), outbound: { allow: [...loopbackCidrs] } },
    "test",
  );
  guardedWharf = await startServer(guarded, createLogger("silent"), { upstreams: directory });
});

after(async () => {
  await wharf?.close(1000);
  await guardedWharf?.close(1000);
  await forwarder?.close();
  await upstream?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("pull-through proxy", { skip }, () => {
  test("skopeo copies an image and a two-platform index through the proxy, identical to a direct copy", async () => {
    const creds = `${testUser.username}:${testUser.password}`;
    for (const reference of ["team/app:1.0", "team/app:multi"]) {
      const direct = join(work, `direct-${reference.replace(/\W/g, "-")}`);
      const proxied = join(work, `proxied-${reference.replace(/\W/g, "-")}`);
      await skopeo(
        "copy",
        "--all",
        "--src-tls-verify=false",
        "--src-creds",
        creds,
        `docker://${upstream.host}/${reference}`,
        `oci:${direct}:x`,
      );
      await skopeo("copy", "--all", "--src-tls-verify=false", viaProxy(`up/${reference}`), `oci:${proxied}:x`);
      assert.deepEqual(await layoutDigests(proxied), await layoutDigests(direct));
    }
    const head = await manifest("up/team/app", "multi");
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), index.index.digest);
    assert.equal(head.headers.get("wharf-proxy-stale"), null);
    const tags = await fetch(`${wharf.url}/v2/proxy/acme/up/team/app/tags/list?n=2`);
    assert.deepEqual(await tags.json(), { name: "proxy/acme/up/team/app", tags: ["1.0", "moving"] });
    assert.match(tags.headers.get("link") ?? "", /last=moving/);
  });

  test("a platform-filtered pull of an index fetches only that platform's manifest", async () => {
    const before = forwarder.requests.length;
    await skopeo(
      "copy",
      "--override-arch",
      "arm64",
      "--src-tls-verify=false",
      viaProxy("up2/team/app:multi"),
      `oci:${join(work, "arm64")}:x`,
    );
    const seen = forwarder.requests.slice(before).join("\n");
    const [amd64, arm64] = index.images;
    assert.match(seen, new RegExp(`manifests/${arm64!.manifest.digest}`));
    assert.doesNotMatch(seen, new RegExp(`manifests/${amd64!.manifest.digest}`));
    assert.doesNotMatch(seen, new RegExp(`blobs/${amd64!.layers[0]!.digest}`));
  });

  test("concurrent cold pulls of one tag make one upstream manifest request", async () => {
    const tagGets = () => upstreamRequests(/^GET \/v2\/team\/app\/manifests\/1\.0 -> 200$/).length;
    const before = tagGets();
    const responses = await Promise.all(Array.from({ length: 5 }, () => manifest("up2/team/app", "1.0")));
    for (const res of responses) assert.equal(res.headers.get("docker-content-digest"), single.manifest.digest);
    assert.equal(tagGets() - before, 1);
  });

  test("pushes and deletes to proxy names are refused", async () => {
    const put = await fetch(`${wharf.url}/v2/proxy/acme/up/team/app/manifests/x`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body: single.manifest.bytes,
    });
    assert.equal(put.status, 405);
    assert.equal(await errorCode(put), "UNSUPPORTED");
    const upload = await fetch(`${wharf.url}/v2/proxy/acme/up/team/app/blobs/uploads/`, { method: "POST" });
    assert.equal(upload.status, 405);
    const unknownUpstream = await manifest("nowhere/team/app", "1.0");
    assert.equal(await errorCode(unknownUpstream), "NAME_UNKNOWN");
  });

  test("a cached tag is served within its TTL without asking the upstream, then revalidated with a HEAD", async () => {
    const first = await manifest("up/team/app", "moving");
    assert.equal(first.headers.get("docker-content-digest"), single.manifest.digest);
    await pushManifest(
      { host: upstream.host, ...upstreamAuth },
      "team/app",
      "moving",
      index.index.bytes,
      index.descriptor.mediaType,
    );
    const before = forwarder.requests.length;
    now += 4 * minute;
    const fresh = await manifest("up/team/app", "moving");
    assert.equal(fresh.headers.get("docker-content-digest"), single.manifest.digest);
    assert.equal(forwarder.requests.length, before, "no upstream request within the TTL");
    now += 2 * minute;
    const moved = await manifest("up/team/app", "moving");
    assert.equal(moved.headers.get("docker-content-digest"), index.index.digest);
    assert.ok(upstreamRequests(/^HEAD \/v2\/team\/app\/manifests\/moving -> 200$/).length >= 1);
  });

  test("while the upstream is down, cached images pull completely and tags are served marked stale", async () => {
    await forwarder.pause();
    try {
      now += 10 * minute;
      await skopeo(
        "copy",
        "--all",
        "--src-tls-verify=false",
        viaProxy("up/team/app:multi"),
        `oci:${join(work, "offline")}:x`,
      );
      assert.equal((await layoutDigests(join(work, "offline"))).top, index.index.digest);
      const stale = await manifest("up/team/app", "1.0");
      assert.equal(stale.status, 200);
      assert.equal(stale.headers.get("wharf-proxy-stale"), "upstream unavailable");
      const tags = await fetch(`${wharf.url}/v2/proxy/acme/up/team/app/tags/list`);
      assert.equal(tags.headers.get("wharf-proxy-stale"), "upstream unavailable");
      assert.deepEqual(((await tags.json()) as { tags: string[] }).tags, ["1.0", "moving", "multi"]);
      const uncached = await manifest("up/team/other", "1.0");
      assert.equal(uncached.status, 503);
      assert.equal(await errorCode(uncached), "UNAVAILABLE");
      assert.ok(logLines.some((line) => line.includes("serving cached")));
    } finally {
      await forwarder.resume();
    }
  });

  test("a rate-limiting upstream: cached tags are served stale, uncached ones get TOOMANYREQUESTS with Retry-After", async () => {
    forwarder.mode = "rate-limit";
    try {
      now += 10 * minute;
      const stale = await manifest("up/team/app", "1.0");
      assert.equal(stale.status, 200);
      assert.equal(stale.headers.get("wharf-proxy-stale"), "upstream rate-limited");
      const asked = forwarder.requests.length;
      const again = await manifest("up/team/app", "1.0");
      assert.equal(again.headers.get("wharf-proxy-stale"), "upstream rate-limited");
      assert.equal(forwarder.requests.length, asked, "a stale answer stands for a while without asking again");
      const uncached = await manifest("up/team/app", "never-pulled");
      assert.equal(uncached.status, 429);
      assert.equal(uncached.headers.get("retry-after"), "120");
      const body = await uncached.text();
      assert.match(body, /TOOMANYREQUESTS/);
      assert.doesNotMatch(body, /pull limit for acme|127\.0\.0\.1/);
    } finally {
      forwarder.mode = "forward";
    }
  });

  test("ten concurrent cold pulls of one large blob go upstream once and all get the verified bytes", async () => {
    const bytes = randomBytes(64 * 1024 * 1024);
    const { digest } = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/big", bytes);
    const url = `${wharf.url}/v2/proxy/acme/up/team/big/blobs/${digest}`;
    const digests = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await fetch(url);
        assert.equal(res.status, 200);
        const hash = createHash("sha256");
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) hash.update(chunk);
        return `sha256:${hash.digest("hex")}`;
      }),
    );
    assert.deepEqual(new Set(digests), new Set([digest]));
    assert.equal(upstreamRequests(new RegExp(`^GET /v2/team/big/blobs/${digest} -> 200$`)).length, 1);
    const warm = await fetch(url, { headers: { range: "bytes=10-19" } });
    assert.equal(warm.status, 206);
    assert.deepEqual(Buffer.from(await warm.arrayBuffer()), bytes.subarray(10, 20));
  });

  test("a blob whose upstream bytes do not match its digest fails every client and is not cached", async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const { digest } = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/corrupt", bytes);
    await corruptStoredBlob(upstream, digest, (stored) => {
      const changed = Buffer.from(stored);
      changed[changed.length - 1]! ^= 0xff;
      return changed;
    });
    const url = `${wharf.url}/v2/proxy/acme/up/team/corrupt/blobs/${digest}`;
    const pull = async (): Promise<string> => {
      try {
        const res = await fetch(url);
        const hash = createHash("sha256");
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) hash.update(chunk);
        return `sha256:${hash.digest("hex")}`;
      } catch {
        return "failed";
      }
    };
    assert.deepEqual(await Promise.all([pull(), pull(), pull()]), ["failed", "failed", "failed"]);
    assert.equal(await pull(), "failed");
    assert.equal(upstreamRequests(new RegExp(`^GET /v2/team/corrupt/blobs/${digest} -> 200$`)).length, 2);
  });

  test("a small blob whose upstream bytes do not match its digest fails cleanly (UNAVAILABLE or cut short) and is not cached", async () => {
    const bytes = Buffer.from('{"architecture":"amd64","os":"linux","small":true}');
    const { digest } = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/corrupt-small", bytes);
    await corruptStoredBlob(upstream, digest, (stored) => {
      const changed = Buffer.from(stored);
      changed[0]! ^= 0xff;
      return changed;
    });
    const url = `${wharf.url}/v2/proxy/acme/up/team/corrupt-small/blobs/${digest}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await fetch(url);
      // Refused before the response began, or cut short after it: never a 500, never complete.
      if (res.status === 503) assert.equal(await errorCode(res), "UNAVAILABLE");
      else {
        assert.equal(res.status, 200);
        await assert.rejects(res.arrayBuffer());
      }
    }
    assert.equal(upstreamRequests(new RegExp(`^GET /v2/team/corrupt-small/blobs/${digest} -> 200$`)).length, 2);
  });

  test("a wrong upstream password gives UNAUTHORIZED without the upstream's detail, and is never logged", async () => {
    const res = await manifest("badpass/team/app", "1.0");
    assert.equal(res.status, 401);
    const body = await res.text();
    assert.match(body, /UNAUTHORIZED/);
    assert.doesNotMatch(body, /127\.0\.0\.1|basic-realm|wharf-tester/);
    const log = logLines.join("");
    assert.doesNotMatch(log, new RegExp(wrongPassword));
    assert.doesNotMatch(log, new RegExp(testUser.password.replace(/[^\w]/g, ".")));
  });

  test("metrics count proxied pulls, bytes, cache hits and misses and upstream requests per app", async () => {
    const text = await (await fetch(`${wharf.url}/metrics`)).text();
    for (const name of [
      "wharf_proxy_pulls_total",
      "wharf_proxy_bytes_total",
      "wharf_proxy_cache_hits_total",
      "wharf_proxy_cache_misses_total",
      "wharf_proxy_upstream_requests_total",
    ]) {
      assert.match(text, new RegExp(`^${name}\\{app="acme"[^}]*\\} [1-9]`, "m"), name);
    }
  });
});

describe("pull-through proxy with token auth on", { skip }, () => {
  test("proxy names are denied to anonymous clients and pull for a server admin (licensing decides the rest)", async () => {
    const host = guardedWharf.url.replace("http://", "");
    const api = createManagementClient(guardedWharf.url);
    const as = ["admin", adminPassword] as const;
    await api.expect(201, "POST", "/orgs", { as, body: { name: "acme-vendor" } });
    await api.expect(201, "POST", "/orgs/acme-vendor/apps", { as, body: { slug: "acme" } });
    const anonymous = await fetch(`${guardedWharf.url}/v2/proxy/acme/up/team/app/manifests/1.0`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer /);
    const out = join(work, "guarded");
    await skopeo(
      "copy",
      "--all",
      "--src-tls-verify=false",
      "--src-creds",
      `admin:${adminPassword}`,
      `docker://${host}/proxy/acme/up/team/app:multi`,
      `oci:${out}:x`,
    );
    assert.equal((await layoutDigests(out)).top, index.index.digest);
  });
});

describe("pull-through proxy onto S3 storage", { skip: skip ?? s3rverUnavailable() }, () => {
  let s3: S3TestServer;
  let s3Wharf: RunningServer;
  before(async () => {
    s3 = await startS3TestServer("wharf-proxy");
    const config = validateConfig(
      {
        listen: "127.0.0.1:0",
        dataDir: join(work, "wharf-s3"),
        auth: { enabled: false },
        storage: { driver: "s3", s3: s3.options },
        outbound: { allow: [...loopbackCidrs] },
      },
      "test",
    );
    s3Wharf = await startServer(config, createLogger("silent"), { upstreams: directory });
  });
  after(async () => {
    await s3Wharf?.close(1000);
    await s3?.stop();
  });

  test("concurrent cold pulls stream a local spool file, which is copied to the store once verified", async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const { digest } = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/s3blob", bytes);
    const url = `${s3Wharf.url}/v2/proxy/acme/up2/team/s3blob/blobs/${digest}`;
    const pulls = await Promise.all(
      [0, 1, 2].map(async () => {
        const res = await fetch(url);
        assert.equal(res.status, 200);
        return createHash("sha256")
          .update(Buffer.from(await res.arrayBuffer()))
          .digest("hex");
      }),
    );
    assert.deepEqual(new Set(pulls), new Set([digest.slice("sha256:".length)]));
    assert.equal(upstreamRequests(new RegExp(`^GET /v2/team/s3blob/blobs/${digest} -> 200$`)).length, 1);
    const warm = await fetch(url, { headers: { range: "bytes=100-199" } });
    assert.equal(warm.status, 206);
    assert.deepEqual(Buffer.from(await warm.arrayBuffer()), bytes.subarray(100, 200));
    assert.equal(upstreamRequests(new RegExp(`^GET /v2/team/s3blob/blobs/${digest} -> 200$`)).length, 1);
  });
});

describe("pull-through proxy with limits.maxBlobBytes", { skip }, () => {
  let small: RunningServer;
  before(async () => {
    const config = validateConfig(
      {
        listen: "127.0.0.1:0",
        dataDir: join(work, "wharf-small"),
        auth: { enabled: false },
        limits: { maxBlobBytes: 1000 },
        outbound: { allow: [...loopbackCidrs] },
      },
      "test",
    );
    small = await startServer(config, createLogger("silent"), { upstreams: directory });
  });
  after(async () => {
    await small?.close(1000);
  });

  test("an upstream blob larger than the limit is refused with SIZE_INVALID and not cached; a small one pulls", async () => {
    const large = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/sized", randomBytes(5000));
    const tiny = await pushBlob({ host: upstream.host, ...upstreamAuth }, "team/sized", randomBytes(500));
    const url = (digest: string) => `${small.url}/v2/proxy/acme/up/team/sized/blobs/${digest}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await fetch(url(large.digest));
      assert.equal(refused.status, 400);
      const body = (await refused.json()) as { errors: { code: string; message: string }[] };
      assert.equal(body.errors[0]?.code, "SIZE_INVALID");
      assert.match(body.errors[0]?.message ?? "", /limits\.maxBlobBytes/);
    }
    const pulled = await fetch(url(tiny.digest));
    assert.equal(pulled.status, 200);
    assert.equal((await pulled.arrayBuffer()).byteLength, 500);
  });
});
