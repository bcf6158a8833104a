/**
 * @module
 * Proves that the real skopeo (Debian's 1.9) works against Wharf end to end:
 * it pushes a three-layer image and a two-platform index from OCI layouts
 * built here, inspects them (raw manifest, image config, per-platform choice),
 * lists tags, copies them back out to new OCI layouts that are identical
 * byte for byte (manifest digests and every blob), copies between two
 * repositories of Wharf by cross-repository mount instead of re-uploading
 * layers, and deletes by tag and by digest after which the manifest is 404
 * while other repositories keep their copy.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type BuiltImage,
  type BuiltIndex,
  blobsOf,
  buildImage,
  buildIndex,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { errorCode } from "./support/registry-http.ts";
import { loggedRequests, queryOf, waitForRequest } from "./support/request-log.ts";
import { runOk } from "./support/run-command.ts";
import { removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let work: string;
let source: string;
let image: BuiltImage;
let index: BuiltIndex;

/** skopeo with a policy that accepts anything, so the host's policy.json cannot interfere. */
function skopeo(...args: string[]): Promise<string> {
  return runOk("skopeo", ["--insecure-policy", ...args]);
}

function ref(repository: string, reference: string): string {
  const separator = reference.startsWith("sha256:") ? "@" : ":";
  return `docker://${wharf.host}/${repository}${separator}${reference}`;
}

async function getManifest(repository: string, reference: string): Promise<Response> {
  return fetch(`${wharf.url}/v2/${repository}/manifests/${reference}`, {
    headers: {
      accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json",
    },
  });
}

/** Asserts Wharf serves `repository:reference` with exactly `bytes`, and every listed blob. */
async function assertServed(repository: string, reference: string, item: BuiltImage | BuiltIndex): Promise<void> {
  const top = "index" in item ? item.index : item.manifest;
  const res = await getManifest(repository, reference);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get("docker-content-digest"), top.digest);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), top.bytes);
  const images = "index" in item ? item.images : [item];
  for (const child of images) {
    const manifest = await getManifest(repository, child.manifest.digest);
    assert.equal(manifest.status, 200);
    assert.deepEqual(Buffer.from(await manifest.arrayBuffer()), child.manifest.bytes);
    for (const blob of [child.config, ...child.layers]) {
      const got = await fetch(`${wharf.url}/v2/${repository}/blobs/${blob.digest}`);
      assert.equal(got.status, 200, `${repository} blob ${blob.digest}`);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), blob.bytes);
    }
  }
}

/** Asserts a layout written by skopeo holds `item` under `tag`, byte for byte. */
async function assertLayoutMatches(dir: string, tag: string, item: BuiltImage | BuiltIndex) {
  const contents = await readOciLayout(dir);
  const descriptor = taggedDescriptor(contents, tag);
  assert.ok(descriptor, `no ${tag} in ${JSON.stringify(contents.index)}`);
  assert.equal(descriptor.digest, item.descriptor.digest);
  assert.equal(descriptor.mediaType, item.descriptor.mediaType);
  assert.equal(descriptor.size, item.descriptor.size);
  const expected = new Map(blobsOf(item).map((blob) => [blob.digest, blob.bytes]));
  assert.deepEqual([...contents.blobs.keys()].sort(), [...expected.keys()].sort());
  for (const [digest, bytes] of contents.blobs) {
    assert.deepEqual(bytes, expected.get(digest), `blob ${digest} differs`);
  }
}

before(async () => {
  wharf = await startWharf();
  work = await mkdtemp(join(tmpdir(), "wharf-skopeo-"));
  source = join(work, "source");
  image = buildImage({
    architecture: "amd64",
    labels: { "org.example.app": "app" },
    layers: [
      [{ name: "etc/app.conf", content: "mode = production\n" }],
      [{ name: "usr/bin/app", content: seededBytes("app binary", 1024 * 1024 + 17), mode: 0o755 }],
      [
        { name: "usr/share/app/a.txt", content: "first\n" },
        { name: "usr/share/app/b.txt", content: "second\n" },
      ],
    ],
  });
  index = buildIndex([
    buildImage({
      architecture: "amd64",
      labels: { platform: "amd64" },
      layers: [[{ name: "bin/tool", content: seededBytes("tool amd64", 200_000) }]],
    }),
    buildImage({
      architecture: "arm64",
      labels: { platform: "arm64" },
      layers: [
        [{ name: "bin/tool", content: seededBytes("tool arm64", 150_000) }],
        [{ name: "etc/tool.conf", content: "arm64\n" }],
      ],
    }),
  ]);
  await writeOciLayout(source, [
    { tag: "app", item: image },
    { tag: "multi", item: index },
  ]);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("skopeo against Wharf", () => {
  test("skopeo copy pushes a three-layer image from an OCI layout", async () => {
    await skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", `oci:${source}:app`, ref("acme/app", "1.0"));
    await assertServed("acme/app", "1.0", image);
  });

  test("skopeo copy --all pushes a two-platform index with each platform's image", async () => {
    await skopeo(
      "copy",
      "--all",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${source}:multi`,
      ref("acme/multi", "1.0"),
    );
    await assertServed("acme/multi", "1.0", index);
  });

  test("skopeo inspect --raw returns the stored manifest and index bytes", async () => {
    const raw = await skopeo("inspect", "--raw", "--tls-verify=false", ref("acme/app", "1.0"));
    assert.equal(raw, image.manifest.bytes.toString());
    const rawIndex = await skopeo("inspect", "--raw", "--tls-verify=false", ref("acme/multi", "1.0"));
    assert.equal(rawIndex, index.index.bytes.toString());
  });

  test("skopeo inspect reads the image config through Wharf", async () => {
    const info = JSON.parse(await skopeo("inspect", "--tls-verify=false", ref("acme/app", "1.0"))) as Record<
      string,
      unknown
    >;
    assert.equal(info.Digest, image.manifest.digest);
    assert.equal(info.Architecture, "amd64");
    assert.equal(info.Os, "linux");
    assert.deepEqual(info.Labels, { "org.example.app": "app" });
    assert.deepEqual(info.RepoTags, ["1.0"]);
    assert.deepEqual(
      info.Layers,
      image.layers.map((layer) => layer.digest),
    );
    const config = await skopeo("inspect", "--config", "--raw", "--tls-verify=false", ref("acme/app", "1.0"));
    assert.equal(config, image.config.bytes.toString());
    const parsed = JSON.parse(config) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(parsed.rootfs.diff_ids, image.diffIds);
  });

  test("skopeo inspect picks each platform's image out of the index", async () => {
    for (const child of index.images) {
      const arch = child.descriptor.platform!.architecture;
      const info = JSON.parse(
        await skopeo(
          "--override-arch",
          arch,
          "--override-os",
          "linux",
          "inspect",
          "--tls-verify=false",
          ref("acme/multi", "1.0"),
        ),
      ) as Record<string, unknown>;
      assert.equal(info.Architecture, arch);
      assert.deepEqual(info.Labels, { platform: arch });
      assert.deepEqual(
        info.Layers,
        child.layers.map((layer) => layer.digest),
      );
    }
  });

  test("skopeo list-tags lists every tag of a repository, sorted", async () => {
    await skopeo(
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${source}:app`,
      ref("acme/app", "latest"),
    );
    const listed = JSON.parse(await skopeo("list-tags", "--tls-verify=false", `docker://${wharf.host}/acme/app`)) as {
      Repository: string;
      Tags: string[];
    };
    assert.equal(listed.Repository, `${wharf.host}/acme/app`);
    assert.deepEqual(listed.Tags, ["1.0", "latest"]);
  });

  test("skopeo copy back out to OCI layouts gives identical digests and blobs", async () => {
    const outImage = join(work, "out-image");
    await skopeo(
      "copy",
      "--preserve-digests",
      "--src-tls-verify=false",
      ref("acme/app", "1.0"),
      `oci:${outImage}:copied`,
    );
    await assertLayoutMatches(outImage, "copied", image);

    const outIndex = join(work, "out-index");
    await skopeo(
      "copy",
      "--all",
      "--preserve-digests",
      "--src-tls-verify=false",
      ref("acme/multi", "1.0"),
      `oci:${outIndex}:copied`,
    );
    await assertLayoutMatches(outIndex, "copied", index);
  });

  test("docker:// to docker:// copy between repositories mounts the layers", async () => {
    const seen = loggedRequests(wharf.output()).length;
    await skopeo(
      "copy",
      "--preserve-digests",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      ref("acme/app", "1.0"),
      ref("mirror/app", "1.0"),
    );
    await skopeo(
      "copy",
      "--all",
      "--preserve-digests",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      ref("acme/multi", "1.0"),
      ref("mirror/multi", "1.0"),
    );
    await assertServed("mirror/app", "1.0", image);
    await assertServed("mirror/multi", "1.0", index);

    const requests = (
      await waitForRequest(wharf.output, (r) => r.method === "PUT" && r.path === "/v2/mirror/multi/manifests/1.0")
    ).slice(seen);
    const mounted = (repository: string, from: string) =>
      new Set(
        requests
          .filter(
            (r) =>
              r.method === "POST" &&
              r.status === 201 &&
              r.path.startsWith(`/v2/${repository}/blobs/uploads/`) &&
              queryOf(r).get("from") === from,
          )
          .map((r) => queryOf(r).get("mount")),
      );
    const appMounts = mounted("mirror/app", "acme/app");
    for (const layer of image.layers) {
      assert.ok(appMounts.has(layer.digest), `layer ${layer.digest} was not mounted`);
    }
    const multiMounts = mounted("mirror/multi", "acme/multi");
    for (const layer of index.images.flatMap((child) => child.layers)) {
      assert.ok(multiMounts.has(layer.digest), `layer ${layer.digest} was not mounted`);
    }
    const layerDigests = new Set([image, ...index.images].flatMap((i) => i.layers.map((layer) => layer.digest)));
    const uploadedLayers = requests.filter(
      (r) => r.method === "PUT" && r.path.startsWith("/v2/mirror/") && layerDigests.has(queryOf(r).get("digest") ?? ""),
    );
    assert.deepEqual(uploadedLayers, [], "a mounted layer was uploaded again");
  });

  test("skopeo delete by tag removes the manifest (and its tags) but not other repositories' copies", async () => {
    await skopeo("delete", "--tls-verify=false", ref("acme/app", "1.0"));
    for (const reference of ["1.0", "latest", image.manifest.digest]) {
      const res = await getManifest("acme/app", reference);
      assert.equal(res.status, 404, `acme/app:${reference}`);
      assert.equal(await errorCode(res), "MANIFEST_UNKNOWN");
    }
    const listed = JSON.parse(await skopeo("list-tags", "--tls-verify=false", `docker://${wharf.host}/acme/app`)) as {
      Tags: string[];
    };
    assert.deepEqual(listed.Tags, []);
    await assertServed("mirror/app", "1.0", image);
  });

  test("skopeo delete by digest removes an index", async () => {
    await skopeo("delete", "--tls-verify=false", ref("acme/multi", index.index.digest));
    for (const reference of ["1.0", index.index.digest]) {
      const res = await getManifest("acme/multi", reference);
      assert.equal(res.status, 404, `acme/multi:${reference}`);
      assert.equal(await errorCode(res), "MANIFEST_UNKNOWN");
    }
    await assertServed("mirror/multi", "1.0", index);
  });
});
