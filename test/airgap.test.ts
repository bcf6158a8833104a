/**
 * Airgap bundles end to end with real registries: images come from a Wharf
 * (the vendor's namespace) and a Debian `docker-registry` behind htpasswd
 * (an external registry) — a 2-platform index and a referrer among them —
 * and go into a second `docker-registry` (the customer's). skopeo reads the
 * bundle as an OCI archive and pulls every pushed image back with the same
 * digests. A delta pushed without its base is refused naming the base; a
 * flipped byte is refused before anything is pushed; a cut-off build
 * resumes.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFile, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { openBundle } from "../src/airgap/open-bundle.ts";
import { scanTar } from "../src/airgap/scan-tar.ts";
import { digestOf } from "../src/digest/digest.ts";
import { allowLoopback } from "../src/net/testing/allow-loopback.ts";
import { createRegistryClient } from "../src/registry-client/create-registry-client.ts";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushBlob, pushManifest, pushTestImage, type TestImage } from "../src/registry-client/testing/test-image.ts";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { useWharf } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const artifactType = "application/vnd.example.signature.v1";

/** Pushes a signature-like artifact whose subject is `subject`, and the referrers tag index Distribution 2.8 needs. */
async function pushReferrer(
  host: string,
  repo: string,
  subject: { digest: string; size: number },
  credentials?: typeof testUser,
) {
  const client = createRegistryClient({
    insecure: true,
    retries: 0,
    outbound: allowLoopback,
    ...(credentials && { credentials: { [host]: credentials } }),
  });
  const ref = { domain: host, path: repo };
  const empty = Buffer.from("{}");
  const payload = Buffer.from("signature bytes\n");
  for (const bytes of [empty, payload]) {
    const pushed = await client.pushBlob(ref, {
      digest: digestOf(bytes),
      size: bytes.length,
      open: () => Readable.from([bytes]),
    });
    assert.ok(pushed.ok, JSON.stringify(pushed));
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType,
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf(empty), size: 2 },
      layers: [{ mediaType: "application/octet-stream", digest: digestOf(payload), size: payload.length }],
      subject: { mediaType: "application/vnd.oci.image.index.v1+json", ...subject },
    }),
  );
  const digest = digestOf(manifest);
  assert.ok((await client.putManifest(ref, digest, manifest, "application/vnd.oci.image.manifest.v1+json")).ok);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: manifest.length, artifactType },
      ],
    }),
  );
  const tag = subject.digest.replace(":", "-");
  assert.ok((await client.putManifest(ref, tag, index, "application/vnd.oci.image.index.v1+json")).ok);
  return digest;
}

describe("wharf airgap build, verify and push", { skip: distributionUnavailable() }, () => {
  const vendor = useWharf();
  let external: DistributionServer;
  let customer: DistributionServer;
  let clients: ClientSandbox;
  let cli: WharfCli;
  let externalImage: TestImage;
  let referrer: string;
  let work: string;
  let vendorHost: string;
  let images: string[];

  before(async () => {
    external = await startDistribution(testUser);
    customer = await startDistribution();
    clients = await createClientSandbox("wharf-airgap-");
    work = clients.work;
    cli = createWharfCli(join(work, "cli"));
    vendorHost = new URL(vendor.url).host;
    const basic = `Basic ${Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64")}`;
    externalImage = await pushTestImage({ host: external.host, authorization: basic }, "acme/api", ["1.0"]);
    referrer = await pushReferrer(
      external.host,
      "acme/api",
      { digest: externalImage.index.digest, size: externalImage.index.bytes.length },
      testUser,
    );
    await pushTestImage({ host: vendorHost }, "shop/worker", ["2.0"]);
    const auth = Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64");
    await writeFile(join(work, "auth.json"), JSON.stringify({ auths: { [external.host]: { auth } } }));
    images = [`${external.host}/acme/api:multi`, `${vendorHost}/shop/worker:2.0`];
  });
  after(async () => {
    await external?.stop();
    await customer?.stop();
    await clients?.remove();
  });

  const buildArgs = (out: string, list: readonly string[]) => [
    "airgap",
    "build",
    ...list.flatMap((i) => ["--image", i]),
    "-o",
    out,
    "--app",
    "shop",
    "--release",
    "1.0",
    "--authfile",
    join(work, "auth.json"),
    "--insecure-registry",
    external.host,
    "--insecure-registry",
    vendorHost,
  ];

  test("a bundle holds every platform and the referrer; skopeo reads it; pushed images keep their digests", async () => {
    const bundle = join(work, "bundle.tar");
    await cli.ok(buildArgs(bundle, images));
    assert.match(await cli.ok(["airgap", "verify", bundle]), /^ok .*2 image\(s\)/);
    const inspect = JSON.parse(await clients.skopeoOk(["inspect", "--raw", `oci-archive:${bundle}:${images[0]}`])) as {
      manifests: unknown[];
    };
    assert.equal(inspect.manifests.length, 2, "both platforms are in the bundle");
    const pushed = await cli.ok(["airgap", "push", bundle, "--to", `${customer.host}/customer`, "--insecure"]);
    assert.match(pushed, /pushed .*acme\/api:multi -> .*\/customer\/acme\/api:multi/);
    assert.match(pushed, /newName: .*\/customer\/acme\/api/);
    const back = await clients.skopeoOk([
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${customer.host}/customer/acme/api:multi`,
    ]);
    assert.equal(digestOf(Buffer.from(back)), externalImage.index.digest);
    const worker = await clients.skopeoOk([
      "inspect",
      "--tls-verify=false",
      `docker://${customer.host}/customer/shop/worker:2.0`,
    ]);
    assert.ok(JSON.parse(worker).Digest);
    const copied = await clients.skopeo([
      "copy",
      "--all",
      "--src-tls-verify=false",
      `docker://${customer.host}/customer/acme/api:multi`,
      `oci:${join(work, "pulled")}:x`,
    ]);
    assert.equal(copied.code, 0, copied.stderr);
    const signature = await clients.skopeo([
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${customer.host}/customer/acme/api@${referrer}`,
    ]);
    assert.equal(signature.code, 0, `the referrer was pushed: ${signature.stderr}`);
  });

  test("a delta holds only new blobs; pushed without its base it is refused naming the base; on top of it, complete", async () => {
    const base = join(work, "base.tar");
    await cli.ok(buildArgs(base, [images[0]!]));
    const delta = join(work, "delta.tar");
    await cli.ok([...buildArgs(delta, images), "--since", base]);
    assert.ok(
      (await stat(delta)).size < (await stat(join(work, "bundle.tar"))).size,
      "the delta is smaller than a full bundle",
    );
    const fresh = await startDistribution();
    try {
      const refused = await cli.fails(["airgap", "push", delta, "--to", `${fresh.host}/c`, "--insecure"]);
      assert.match(
        refused,
        /delta bundle on top of shop release 1\.0.*push the bundle of shop release 1\.0 first.*Nothing was pushed/s,
      );
      const catalog = (await (await fetch(`http://${fresh.host}/v2/_catalog`)).json()) as { repositories: string[] };
      assert.deepEqual(catalog.repositories, [], "nothing was pushed");
      await cli.ok(["airgap", "push", base, "--to", `${fresh.host}/c`, "--insecure"]);
      await cli.ok(["airgap", "push", delta, "--to", `${fresh.host}/c`, "--insecure"]);
      const worker = await clients.skopeo([
        "inspect",
        "--tls-verify=false",
        `docker://${fresh.host}/c/shop/worker:2.0`,
      ]);
      assert.equal(worker.code, 0, worker.stderr);
    } finally {
      await fresh.stop();
    }
  });

  test("a layer of several MiB is pushed in 1 MiB chunks and reads back byte for byte", async () => {
    const layer = randomBytes(3 * 1024 * 1024 + 12345);
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers" } }));
    const target = { host: vendorHost };
    await pushBlob(target, "shop/big", layer);
    await pushBlob(target, "shop/big", config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: digestOf(config),
          size: config.length,
        },
        layers: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: digestOf(layer), size: layer.length },
        ],
      }),
    );
    await pushManifest(target, "shop/big", "1.0", manifest, "application/vnd.oci.image.manifest.v1+json");
    const bundle = join(work, "big.tar");
    await cli.ok(buildArgs(bundle, [`${vendorHost}/shop/big:1.0`]));
    const fresh = await startDistribution();
    try {
      const pushed = await cli.ok(["airgap", "push", bundle, "--to", `${fresh.host}/c`, "--insecure"]);
      const pushedTo = pushed.match(/-> [^/\s]+\/(c\/\S+):1\.0/)?.[1];
      assert.ok(pushedTo, pushed);
      const back = await fetch(`http://${fresh.host}/v2/${pushedTo}/blobs/${digestOf(layer)}`);
      assert.equal(back.status, 200);
      assert.ok(Buffer.from(await back.arrayBuffer()).equals(layer), "the layer reads back byte for byte");
    } finally {
      await fresh.stop();
    }
  });

  test("a flipped byte anywhere is refused before anything is pushed", async () => {
    const damaged = join(work, "damaged.tar");
    await copyFile(join(work, "bundle.tar"), damaged);
    const file = await open(damaged, "r+");
    const size = (await file.stat()).size;
    const at = Math.floor(size / 3);
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await file.write(byte, 0, 1, at);
    await file.close();
    const fresh = await startDistribution();
    try {
      const refused = await cli.fails(["airgap", "push", damaged, "--to", `${fresh.host}/c`, "--insecure"]);
      assert.match(refused, /damaged|corrupted|does not match|cut short/);
      const catalog = (await (await fetch(`http://${fresh.host}/v2/_catalog`)).json()) as { repositories: string[] };
      assert.deepEqual(catalog.repositories, []);
    } finally {
      await fresh.stop();
    }
  });

  test("verification in two lanes (this thread and a worker) refuses a flipped byte in any blob", async () => {
    const copy = join(work, "lanes.tar");
    await copyFile(join(work, "bundle.tar"), copy);
    const sound = await openBundle(copy, undefined, { workerFromBytes: 1 });
    const file = await open(copy, "r+");
    try {
      const scan = await scanTar(file, (await file.stat()).size);
      const blobs = scan.entries.filter((e) => e.name.startsWith("blobs/") && e.size > 0);
      assert.equal(blobs.length, Object.values(sound.description.blobs).filter((size) => size > 0).length);
      const byte = Buffer.alloc(1);
      for (const entry of blobs) {
        const at = entry.offset + Math.floor(entry.size / 2);
        await file.read(byte, 0, 1, at);
        await file.write(Buffer.of(byte[0]! ^ 1), 0, 1, at);
        await assert.rejects(openBundle(copy, undefined, { workerFromBytes: 1 }), (error: Error) => {
          assert.match(error.message, new RegExp(`blob ${entry.name.slice(6).replace("/", ":")} does not match`));
          return true;
        });
        await file.write(byte, 0, 1, at);
      }
    } finally {
      await file.close();
    }
  });

  test("a build cut off midway resumes from the last complete blob", async () => {
    const whole = await readFile(join(work, "bundle.tar"));
    const out = join(work, "resumed.tar");
    await writeFile(`${out}.partial`, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await cli.ok(buildArgs(out, images));
    assert.match(await cli.ok(["airgap", "verify", out]), /^ok /);
    await assert.rejects(stat(`${out}.partial`), "the partial file became the bundle");
    await rm(out);
  });
});
