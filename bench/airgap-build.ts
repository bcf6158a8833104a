/**
 * @module
 * `node bench/airgap-build.ts [MiB]`: `wharf airgap build` against `skopeo
 * copy --all` of the same image into an OCI layout, in the same run, from
 * one Debian docker-registry on loopback. The image is one manifest with
 * four random layers totalling MiB (default 512). Each tool runs three
 * times alternately under /usr/bin/time; the medians of wall time and peak
 * RSS are printed, with a markdown row for bench/RESULTS.md. Not part of
 * `npm run bench` yet.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { digestOf } from "../src/digest/digest.ts";
import { mediaTypes } from "../src/oci/media-types.ts";
import { startDistribution } from "../src/registry-client/testing/distribution-server.ts";
import { pushBlob, pushManifest } from "../src/registry-client/testing/test-image.ts";

const totalMiB = Number(process.argv[2] ?? 512);
const root = resolve(import.meta.dirname, "..");
const registry = await startDistribution();
const work = await mkdtemp(join(tmpdir(), "wharf-bench-airgap-"));
try {
  const target = { host: registry.host };
  const layers = [];
  for (let i = 0; i < 4; i++)
    layers.push(await pushBlob(target, "bench/app", randomBytes((totalMiB / 4) * 1024 * 1024)));
  const config = await pushBlob(target, "bench/app", Buffer.from('{"architecture":"amd64","os":"linux"}'));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.bytes.length },
      layers: layers.map((l) => ({ mediaType: mediaTypes.ociLayerGzip, digest: l.digest, size: l.bytes.length })),
    }),
  );
  await pushManifest(target, "bench/app", "1.0", manifest, mediaTypes.ociManifest);
  const image = `${registry.host}/bench/app:1.0`;
  console.error(`image ${image} ${digestOf(manifest)} (${totalMiB} MiB)`);

  const run = (command: string, args: string[]): { seconds: number; rssMiB: number } => {
    const result = execFileSync(
      "bash",
      ["-c", `/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1`, "x", command, ...args],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    const [seconds, kb] = result.trim().split(" ").map(Number);
    return { seconds: seconds!, rssMiB: kb! / 1024 };
  };
  const wharf: { seconds: number; rssMiB: number }[] = [];
  const skopeo: { seconds: number; rssMiB: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const bundle = join(work, `b${i}.tar`);
    wharf.push(
      run(join(root, "bin", "wharf"), [
        "airgap",
        "build",
        "--image",
        image,
        "--insecure-registry",
        registry.host,
        "-o",
        bundle,
      ]),
    );
    await rm(bundle, { force: true });
    const layout = join(work, `o${i}`);
    skopeo.push(run("skopeo", ["copy", "--all", "--src-tls-verify=false", `docker://${image}`, `oci:${layout}:app`]));
    await rm(layout, { recursive: true, force: true });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
  const w = median(wharf.map((r) => r.seconds));
  const s = median(skopeo.map((r) => r.seconds));
  const mbps = (seconds: number) => ((totalMiB * 1024 * 1024) / seconds / 1e6).toFixed(0);
  const wr = median(wharf.map((r) => r.rssMiB));
  const sr = median(skopeo.map((r) => r.rssMiB));
  console.log(JSON.stringify({ wharf, skopeo }));
  console.log(
    `| airgap build ${totalMiB} MiB (1 image, 4 layers) vs skopeo copy --all to an OCI layout, MB/s (median of 3) | ${mbps(w)} | | skopeo ${mbps(s)} | ${(s / w).toFixed(2)}× | | ≥ 1.0× | ${s / w >= 1 ? "met" : "MISSED"} |`,
  );
  console.log(
    `| peak RSS of that airgap build, MiB | ${wr.toFixed(0)} | | skopeo ${sr.toFixed(0)} | | | ≤ 200 MiB (for 2 GiB) | ${wr <= 200 ? "met" : "MISSED"} |`,
  );
} finally {
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
