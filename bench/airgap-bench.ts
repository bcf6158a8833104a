/**
 * @module
 * The airgap rows of `npm run bench` (`--only airgap`): in the same run, on
 * the same images (a 2-platform index and a single-platform image of random
 * layers, 2 GiB together; 512 MiB with --quick) in one Debian
 * docker-registry on loopback:
 * - bundle build: `wharf airgap build` vs `skopeo copy --all` of each image
 *   into one OCI layout;
 * - bundle push: `wharf airgap push` of that bundle vs `skopeo copy --all`
 *   of each image from skopeo's OCI layout, each into its own fresh
 *   docker-registry (nothing to skip, nothing to mount from an earlier run);
 * - peak RSS of the build and the push (whole CLI process, /usr/bin/time).
 * Each tool runs `runs` times, alternating; medians. The section replaces
 * the airgap section of bench/RESULTS.md.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { digestOf } from "../src/digest/digest.ts";
import { mediaTypes } from "../src/oci/media-types.ts";
import { type DistributionServer, startDistribution } from "../src/registry-client/testing/distribution-server.ts";
import { pushBlob, pushManifest } from "../src/registry-client/testing/test-image.ts";

/** What the airgap rows need. */
export interface AirgapBenchOptions {
  readonly root: string;
  readonly workDir: string;
  readonly quick: boolean;
  readonly signal: AbortSignal;
}

interface Sample {
  readonly seconds: number;
  readonly rssMiB: number;
}

/** The medians of both tools for one workload. */
export interface AirgapRow {
  readonly wharf: Sample;
  readonly skopeo: Sample;
  readonly all: { wharf: Sample[]; skopeo: Sample[] };
}

/** The measured rows. */
export interface AirgapResults {
  readonly totalMiB: number;
  readonly runs: number;
  readonly build: AirgapRow;
  readonly push: AirgapRow;
}

const HEADING = "## Airgap bundles";
const OLD_HEADING = "## Partial run: airgap bundle build";

/** A manifest of `layers` random layers of `layerMiB` each, pushed to `repo` of `target`. */
async function pushRandomImage(host: string, repo: string, arch: string, layers: number, layerMiB: number) {
  const descriptors = [];
  for (let i = 0; i < layers; i++) {
    const { digest } = await pushBlob({ host }, repo, randomBytes(layerMiB * 1024 * 1024));
    descriptors.push({ mediaType: mediaTypes.ociLayerGzip, digest, size: layerMiB * 1024 * 1024 });
  }
  const configBytes = Buffer.from(JSON.stringify({ architecture: arch, os: "linux", rootfs: { type: "layers" } }));
  const config = await pushBlob({ host }, repo, configBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: configBytes.length },
      layers: descriptors,
    }),
  );
  await pushManifest({ host }, repo, digestOf(manifest), manifest, mediaTypes.ociManifest);
  return { digest: digestOf(manifest), size: manifest.length, arch };
}

/** Two images in `source`, `totalMiB` of layers: an index (2 platforms, 3 layers each) and one image of 2 layers. */
async function prepareImages(source: DistributionServer, totalMiB: number): Promise<string[]> {
  const layerMiB = totalMiB / 8;
  const platforms = [];
  for (const arch of ["amd64", "arm64"])
    platforms.push(await pushRandomImage(source.host, "bench/api", arch, 3, layerMiB));
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociIndex,
      manifests: platforms.map((p) => ({
        mediaType: mediaTypes.ociManifest,
        digest: p.digest,
        size: p.size,
        platform: { os: "linux", architecture: p.arch },
      })),
    }),
  );
  await pushManifest({ host: source.host }, "bench/api", "1.0", index, mediaTypes.ociIndex);
  const worker = await pushRandomImage(source.host, "bench/worker", "amd64", 2, layerMiB);
  const manifest = await fetch(`http://${source.host}/v2/bench/worker/manifests/${worker.digest}`, {
    headers: { accept: mediaTypes.ociManifest },
  });
  await pushManifest(
    { host: source.host },
    "bench/worker",
    "2.0",
    Buffer.from(await manifest.arrayBuffer()),
    mediaTypes.ociManifest,
  );
  return [`${source.host}/bench/api:1.0`, `${source.host}/bench/worker:2.0`];
}

/** Runs `script` (bash, arguments after it) under /usr/bin/time: wall seconds and peak RSS. */
function timed(cwd: string, script: string, args: string[]): Sample {
  const out = execFileSync(
    "bash",
    ["-c", `/usr/bin/time -f "%e %M" bash -c '${script}' x "$@" 2>&1 >/dev/null | tail -1`, "x", ...args],
    { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const [seconds, kb] = out.trim().split(" ").map(Number);
  if (!Number.isFinite(seconds) || !Number.isFinite(kb)) throw new Error(`could not time ${script}: ${out}`);
  return { seconds: seconds!, rssMiB: kb! / 1024 };
}

const median = (samples: Sample[]): Sample => {
  const pick = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { seconds: pick(samples.map((s) => s.seconds)), rssMiB: pick(samples.map((s) => s.rssMiB)) };
};

/** Measures the airgap rows. */
export async function benchAirgap(options: AirgapBenchOptions): Promise<AirgapResults> {
  const totalMiB = options.quick ? 512 : 2048;
  const runs = options.quick ? 1 : 3;
  const work = join(options.workDir, "airgap");
  await mkdir(work, { recursive: true });
  const wharf = join(options.root, "bin", "wharf");
  const source = await startDistribution();
  try {
    console.log(`airgap: pushing ${totalMiB} MiB of random layers into ${source.host}…`);
    const images = await prepareImages(source, totalMiB);
    const build = { wharf: [] as Sample[], skopeo: [] as Sample[] };
    const push = { wharf: [] as Sample[], skopeo: [] as Sample[] };
    const imageArgs = images.flatMap((image) => ["--image", image]);
    for (let run = 0; run < runs; run++) {
      options.signal.throwIfAborted();
      const bundle = join(work, `bundle-${run}.tar`);
      const layout = join(work, `layout-${run}`);
      build.wharf.push(
        timed(options.root, `"$@"`, [
          wharf,
          "airgap",
          "build",
          ...imageArgs,
          "--insecure-registry",
          source.host,
          "-o",
          bundle,
        ]),
      );
      const skopeoBuild = images
        .map((_, i) => `skopeo copy -q --all --src-tls-verify=false "docker://\${${i + 2}}" "oci:$1:img${i}"`)
        .join(" && ");
      build.skopeo.push(timed(options.root, skopeoBuild, [layout, ...images]));
      console.log(
        `  build run ${run + 1}: wharf ${build.wharf.at(-1)!.seconds} s, skopeo ${build.skopeo.at(-1)!.seconds} s`,
      );
      for (const tool of ["wharf", "skopeo"] as const) {
        const target = await startDistribution();
        try {
          if (tool === "wharf") {
            push.wharf.push(
              timed(options.root, `"$@"`, [wharf, "airgap", "push", bundle, "--to", `${target.host}/c`, "--insecure"]),
            );
          } else {
            const script = images
              .map(
                (_, i) =>
                  `skopeo copy -q --all --dest-tls-verify=false "oci:$1:img${i}" "docker://$2/c/img${i}:latest"`,
              )
              .join(" && ");
            push.skopeo.push(timed(options.root, script, [layout, target.host]));
          }
        } finally {
          await target.stop();
        }
      }
      console.log(
        `  push run ${run + 1}: wharf ${push.wharf.at(-1)!.seconds} s, skopeo ${push.skopeo.at(-1)!.seconds} s`,
      );
      await rm(bundle, { force: true });
      await rm(layout, { recursive: true, force: true });
    }
    const row = (samples: { wharf: Sample[]; skopeo: Sample[] }): AirgapRow => ({
      wharf: median(samples.wharf),
      skopeo: median(samples.skopeo),
      all: samples,
    });
    return { totalMiB, runs, build: row(build), push: row(push) };
  } finally {
    await source.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The markdown section of `results`. */
export function renderAirgapSection(results: AirgapResults, run: { date: string; commit: string }): string {
  const mbps = (s: Sample) => ((results.totalMiB * 1024 * 1024) / s.seconds / 1e6).toFixed(0);
  const ratio = (row: AirgapRow) => row.skopeo.seconds / row.wharf.seconds;
  const speed = (label: string, row: AirgapRow) =>
    `| ${label}, MB/s | ${mbps(row.wharf)} | ${mbps(row.skopeo)} | ${ratio(row).toFixed(2)}× | ≥ 1.0× | ${ratio(row) >= 1 ? "met" : "MISSED"} |`;
  const rssTarget = results.totalMiB >= 2048 ? "met" : `met at ${results.totalMiB} MiB`;
  const rss = (label: string, row: AirgapRow) =>
    `| peak RSS of ${label} (whole CLI process), MiB | ${row.wharf.rssMiB.toFixed(0)} | ${row.skopeo.rssMiB.toFixed(0)} | — | ≤ 200 MiB (for 2 GiB) | ${row.wharf.rssMiB <= 200 ? rssTarget : "MISSED"} |`;
  const seconds = (samples: Sample[]) => samples.map((s) => s.seconds.toFixed(1)).join(", ");
  return [
    HEADING,
    "",
    `- date: ${run.date}; commit: ${run.commit}; \`npm run bench -- --only airgap\``,
    `- images: a 2-platform index (3 random layers per platform) and a single-platform image (2 layers), ${results.totalMiB} MiB of layers, in one Debian docker-registry on loopback; ${results.runs} alternating run(s) per tool, medians.`,
    "- build: `wharf airgap build` of both images vs `skopeo copy --all` of each into one OCI layout; push: `wharf airgap push` of that bundle vs `skopeo copy --all` of each from skopeo's layout, each into a fresh docker-registry.",
    `- single runs, seconds: build wharf ${seconds(results.build.all.wharf)}, skopeo ${seconds(results.build.all.skopeo)}; push wharf ${seconds(results.push.all.wharf)}, skopeo ${seconds(results.push.all.skopeo)}.`,
    "",
    "| workload | Wharf | skopeo | Wharf/skopeo | target | status |",
    "| --- | --- | --- | --- | --- | --- |",
    speed(`bundle build ${results.totalMiB} MiB vs \`skopeo copy --all\` into an OCI layout`, results.build),
    speed(
      `bundle push ${results.totalMiB} MiB vs \`skopeo copy\` from an OCI layout into docker-registry`,
      results.push,
    ),
    rss(`the bundle build (${results.totalMiB} MiB)`, results.build),
    rss(`the bundle push (${results.totalMiB} MiB)`, results.push),
    "",
  ].join("\n");
}

/** Puts `section` into `file` in place of an earlier airgap section, or at its end. */
export async function writeAirgapSection(file: string, section: string): Promise<void> {
  let text = await readFile(file, "utf8").catch(() => "");
  for (const heading of [HEADING, OLD_HEADING]) {
    const at = text.indexOf(`\n${heading}`);
    if (at === -1) continue;
    const next = text.indexOf("\n## ", at + 1);
    text = text.slice(0, at) + (next === -1 ? "" : text.slice(next));
  }
  const kept = text.trimEnd();
  await writeFile(file, kept === "" ? section : `${kept}\n\n${section}`);
}
