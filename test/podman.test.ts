/**
 * @module
 * Proves that podman (Debian's 4.3) works as a Wharf client: it pulls an
 * image that skopeo pushed (same manifest digest, same config, layers
 * decompressed to the config's diff_ids), picks the right platform out of a
 * two-platform index, and pushes to another tag and to a new repository,
 * after which skopeo reads the pushed images back. podman runs with its own
 * vfs storage in a temporary folder (no host state); when podman cannot run
 * in this environment at all (checked once with `podman info`), every test
 * is skipped with podman's own reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { type ClientSandbox, createClientSandbox, skipWithoutPodman } from "./support/container-clients.ts";
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
  digestOf,
  seededBytes,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let work: string;
let source: string;
let image: BuiltImage;
let index: BuiltIndex;

let box: ClientSandbox;

const podman = (...args: string[]): Promise<string> => box.podmanOk(args);
const skopeo = (...args: string[]): Promise<string> => box.skopeoOk(args);

/** Skips the test when podman cannot run here (fails it under CI); true when it did. */
const skipUnlessPodman = (t: TestContext): boolean => skipWithoutPodman(t, box);

/** Checks every layer of a pushed manifest: served, and decompressing to its diff_id. */
async function assertLayersMatchConfig(repository: string, reference: string) {
  const manifest = JSON.parse(
    await skopeo("inspect", "--raw", "--tls-verify=false", `docker://${wharf.host}/${repository}:${reference}`),
  ) as { config: { digest: string }; layers: { digest: string; size: number }[] };
  const config = JSON.parse(
    await skopeo(
      "inspect",
      "--config",
      "--raw",
      "--tls-verify=false",
      `docker://${wharf.host}/${repository}:${reference}`,
    ),
  ) as { rootfs: { diff_ids: string[] } };
  assert.equal(manifest.config.digest, image.config.digest, "the config was rewritten");
  assert.deepEqual(config.rootfs.diff_ids, image.diffIds);
  assert.equal(manifest.layers.length, image.layers.length);
  for (const [n, layer] of manifest.layers.entries()) {
    const res = await fetch(`${wharf.url}/v2/${repository}/blobs/${layer.digest}`);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.length, layer.size);
    assert.equal(digestOf(bytes), layer.digest);
    assert.equal(digestOf(gunzipSync(bytes)), image.diffIds[n]);
  }
}

before(async () => {
  wharf = await startWharf();
  box = await createClientSandbox("wharf-podman-");
  work = box.work;
  source = join(work, "source");
  image = buildImage({
    architecture: "amd64",
    labels: { "org.example.app": "podman" },
    layers: [
      [{ name: "etc/app.conf", content: "podman = yes\n" }],
      [{ name: "usr/bin/app", content: seededBytes("podman binary", 512 * 1024), mode: 0o755 }],
    ],
  });
  index = buildIndex(
    ["amd64", "arm64"].map((architecture) =>
      buildImage({
        architecture,
        labels: { platform: architecture },
        layers: [[{ name: "bin/tool", content: seededBytes(`tool ${architecture}`, 64 * 1024) }]],
      }),
    ),
  );
  await writeOciLayout(source, [
    { tag: "app", item: image },
    { tag: "multi", item: index },
  ]);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
});

describe("podman against Wharf", () => {
  test("podman pulls an image that skopeo pushed", async (t) => {
    if (skipUnlessPodman(t)) return;
    await skopeo(
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${source}:app`,
      `docker://${wharf.host}/acme/app:1.0`,
    );
    await podman("pull", "--quiet", "--tls-verify=false", `${wharf.host}/acme/app:1.0`);
    const [inspected] = JSON.parse(await podman("image", "inspect", `${wharf.host}/acme/app:1.0`)) as {
      Id: string;
      Digest: string;
      Architecture: string;
      Labels: Record<string, string>;
      RootFS: { Layers: string[] };
    }[];
    assert.ok(inspected);
    assert.equal(inspected.Digest, image.manifest.digest);
    assert.equal(`sha256:${inspected.Id}`, image.config.digest);
    assert.equal(inspected.Architecture, "amd64");
    assert.deepEqual(inspected.Labels, { "org.example.app": "podman" });
    assert.deepEqual(inspected.RootFS.Layers, image.diffIds);
  });

  test("podman pushes to another tag and to a new repository; skopeo reads them back", async (t) => {
    if (skipUnlessPodman(t)) return;
    await podman("tag", `${wharf.host}/acme/app:1.0`, `${wharf.host}/acme/app:pushed`);
    await podman("push", "--quiet", "--tls-verify=false", `${wharf.host}/acme/app:pushed`);
    await podman("tag", `${wharf.host}/acme/app:1.0`, `${wharf.host}/fresh/app:1.0`);
    await podman("push", "--quiet", "--tls-verify=false", `${wharf.host}/fresh/app:1.0`);

    for (const [repository, tag] of [
      ["acme/app", "pushed"],
      ["fresh/app", "1.0"],
    ] as const) {
      const info = JSON.parse(
        await skopeo("inspect", "--tls-verify=false", `docker://${wharf.host}/${repository}:${tag}`),
      ) as { Architecture: string; Labels: Record<string, string>; RepoTags: string[] };
      assert.equal(info.Architecture, "amd64");
      assert.deepEqual(info.Labels, { "org.example.app": "podman" });
      assert.ok(info.RepoTags.includes(tag), JSON.stringify(info.RepoTags));
      await assertLayersMatchConfig(repository, tag);
    }
    const tags = JSON.parse(await skopeo("list-tags", "--tls-verify=false", `docker://${wharf.host}/acme/app`)) as {
      Tags: string[];
    };
    assert.deepEqual(tags.Tags, ["1.0", "pushed"]);
  });

  test("podman pull --arch picks the matching platform out of an index", async (t) => {
    if (skipUnlessPodman(t)) return;
    await skopeo(
      "copy",
      "--all",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${source}:multi`,
      `docker://${wharf.host}/acme/multi:1.0`,
    );
    for (const child of index.images) {
      const arch = child.descriptor.platform!.architecture;
      const pulled = await podman(
        "pull",
        "--quiet",
        "--tls-verify=false",
        "--arch",
        arch,
        `${wharf.host}/acme/multi:1.0`,
      );
      assert.equal(`sha256:${pulled.trim()}`, child.config.digest);
      const [inspected] = JSON.parse(await podman("image", "inspect", child.config.digest)) as {
        Architecture: string;
        RootFS: { Layers: string[] };
      }[];
      assert.equal(inspected?.Architecture, arch);
      assert.deepEqual(inspected?.RootFS.Layers, child.diffIds);
    }
  });
});
