/**
 * @module
 * `wharf release create|list|show`: an application's releases. `create`
 * takes the `images:` list of seed 001 from a YAML file (`-f images.yaml`)
 * or derives it from the images a folder of Kubernetes manifests uses
 * (`--from-manifests <dir>`, the rewriter's finder): images on this server
 * under `<app>/` become the application's own, Docker Hub images `public`,
 * and any other registry's images are named by host, which the server
 * matches to the organization's external registry.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { parseReference } from "../reference/parse-reference.ts";
import { findImageUses } from "../rewrite/image-uses.ts";
import { readManifestDir } from "../rewrite/manifest-input.ts";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface ImageEntry {
  name: string;
  source: string;
  tag?: string;
  digest?: string;
}

interface ReleaseRecord {
  readonly app: string;
  readonly version: string;
  readonly channels: string[];
  readonly images: (ImageEntry & { digest: string })[];
  readonly createdAt: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const releasesPath = (app: string) => `/apps/${encodeURIComponent(app)}/releases`;

/** Registers `release` on the program. */
export function registerReleaseCommands(program: Command): void {
  const release = program.command("release").description("an application's releases: images pinned to digests");
  withApiOptions(
    release
      .command("create <version>")
      .description("create a release; every tag is resolved to a digest on the server and never changes")
      .requiredOption("--app <slug>", "the application")
      .option("-f, --file <images.yaml>", "the images: list (name, source, tag or digest)")
      .option("--from-manifests <dir>", "take the images the Kubernetes manifests in this folder use")
      .option("--channel <name>", "a channel the release is on (repeat)", collect, []),
  ).action(action(create));
  withApiOptions(
    release.command("list").description("list releases").requiredOption("--app <slug>", "the application"),
  ).action(action(list));
  withApiOptions(
    release
      .command("show <version>")
      .description("a release's images and digests")
      .requiredOption("--app <slug>", "the application"),
  ).action(action(show));
}

async function create(
  version: string,
  options: ApiOptions & { app: string; file?: string; fromManifests?: string; channel: string[] },
) {
  if ((options.file === undefined) === (options.fromManifests === undefined)) {
    throw new CliError("give the images with exactly one of -f images.yaml or --from-manifests <dir>");
  }
  const client = await connect(options);
  const images =
    options.file !== undefined
      ? await readImagesFile(options.file)
      : await imagesOfManifests(options.fromManifests!, options.app, new URL(client.server).host);
  const body = { version, images, ...(options.channel.length > 0 && { channels: options.channel }) };
  const created = (await client.request("POST", releasesPath(options.app), body)) as ReleaseRecord;
  emit(options, created, [`Created release ${created.version} of ${created.app}`, ...imageLines(created)]);
}

async function list(options: ApiOptions & { app: string }) {
  const answer = (await (await connect(options)).request("GET", releasesPath(options.app))) as {
    releases: ReleaseRecord[];
  };
  const rows = answer.releases.map((r) => [r.version, r.channels.join(",") || "-", r.images.length, r.createdAt]);
  emit(options, answer, table(["version", "channels", "images", "created"], rows));
}

async function show(version: string, options: ApiOptions & { app: string }) {
  const path = `${releasesPath(options.app)}/${encodeURIComponent(version)}`;
  const found = (await (await connect(options)).request("GET", path)) as ReleaseRecord;
  emit(options, found, [
    `release   ${found.version}`,
    `app       ${found.app}`,
    `channels  ${found.channels.join(" ") || "-"}`,
    `created   ${found.createdAt}`,
    ...imageLines(found),
  ]);
}

function imageLines(release: ReleaseRecord): string[] {
  return table(
    ["source", "image", "tag", "digest"],
    release.images.map((i) => [i.source, i.name, i.tag ?? "-", i.digest]),
  );
}

async function readImagesFile(path: string): Promise<ImageEntry[]> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new CliError(`cannot read ${path}`);
  });
  const parsed = parseYaml(text) as { images?: unknown } | null;
  if (!Array.isArray(parsed?.images))
    throw new CliError(`${path}: expected an images: list (name, source, tag or digest)`);
  return parsed.images.map((entry, i) => {
    const { name, source, tag, digest } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== "string" || typeof source !== "string") {
      throw new CliError(`${path}: images[${i}] needs a name and a source`);
    }
    return {
      name,
      source,
      ...((typeof tag === "string" || typeof tag === "number") && { tag: String(tag) }),
      ...(typeof digest === "string" && { digest }),
    };
  });
}

/** The images the manifests use, as release entries, each once. */
async function imagesOfManifests(dir: string, app: string, serverHost: string): Promise<ImageEntry[]> {
  const files = await readManifestDir(dir).catch((error: Error) => {
    throw new CliError(error.message);
  });
  const { uses } = findImageUses(files.flatMap((f) => f.documents));
  const entries = new Map<string, ImageEntry>();
  for (const use of uses) {
    const parsed = parseReference(use.image);
    if (!parsed.ok) throw new CliError(`${use.file}: image ${JSON.stringify(use.image)}: ${parsed.error}`);
    const ref = parsed.reference;
    const pin = ref.digest !== undefined ? { digest: ref.digest } : { tag: ref.tag ?? "latest" };
    const entry: ImageEntry =
      ref.domain === serverHost && ref.path.startsWith(`${app}/`)
        ? { name: ref.path.slice(app.length + 1), source: app, ...pin }
        : ref.domain === "docker.io"
          ? { name: ref.path, source: "public", ...pin }
          : { name: ref.path, source: ref.domain, ...pin };
    entries.set(JSON.stringify(entry), entry);
  }
  if (entries.size === 0) throw new CliError(`no container images found in the manifests under ${dir}`);
  return [...entries.values()];
}
