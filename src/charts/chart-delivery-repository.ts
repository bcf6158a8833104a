/**
 * @module
 * The repository a license pulls charts from: the vendor's repository as
 * it is, except that a Helm chart manifest is served rendered for the
 * license — its chart layer replaced by one whose values.yaml carries
 * `global.wharf` (chart-values.ts), under a new manifest and layer digest.
 * Rendering is deterministic (same license facts + same chart → same
 * bytes) and kept in the render cache for that license only. Non-chart
 * manifests and every other blob pass through unchanged. A chart's
 * original manifest is not served to a license by digest: it gets its own
 * rendering, by tag or by the rendered digest.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { type Digest, tryParseDigest } from "../digest/digest.ts";
import { channelOf } from "../licensing/channel-path.ts";
import type { FindLicenseFacts } from "../licensing/license-facts.ts";
import type { ManifestReference } from "../registry/manifest-service.ts";
import type { OpenedBlob, Repository, ServedManifest } from "../registry/repository.ts";
import { RepositoryError } from "../registry/repository-error.ts";
import { ChartError } from "./chart-error.ts";
import { type ChartManifest, chartLayerMediaType, parseChartManifest } from "./chart-media-types.ts";
import { wharfValues } from "./chart-values.ts";
import type { RenderCache, RenderedChart } from "./render-cache.ts";
import { maxChartBytes, rewriteChartArchive } from "./rewrite-chart-archive.ts";

/** What the delivery needs besides the source repository. */
export interface ChartDeliveryDeps {
  readonly facts: FindLicenseFacts;
  readonly cache: RenderCache;
  readonly visibleTags: VisibleTags;
}

/** The tags of vendor repository `repository` a license on `channel` sees; undefined: every tag. */
export type VisibleTags = (repository: string, channel: string) => Promise<ReadonlySet<string> | undefined>;

/** How many of a gated repository's tags are looked at for a tag list. */
const maxGatedTags = 10_000;
/** How many visible tags are rendered again to find a rendered digest this process does not hold. */
const maxRerenderedTags = 100;

/** Who pulls, and through which registry host (`host[:port]`, the `imageRegistry` value). */
export interface ChartReader {
  readonly principal: LicensePrincipal;
  readonly registry: string;
  /** The vendor repository the license's name stands for (`<app>/<chart>`). */
  readonly sourceName: string;
}

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function readAll(opened: OpenedBlob): Promise<Buffer> {
  if (opened.size > maxChartBytes) throw new ChartError(`the chart archive is larger than ${maxChartBytes} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of await opened.read()) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The chart manifest `source` rendered with `values`. */
async function render(source: Repository, served: ServedManifest, chart: ChartManifest, values: unknown) {
  const original = chart.layers.find((layer) => layer.mediaType === chartLayerMediaType)!;
  const digest = tryParseDigest(String(original.digest));
  if (!digest) throw new ChartError("the chart layer's digest is not a digest");
  const archive = await readAll(await source.blobs.open(digest));
  const bytes = rewriteChartArchive(archive, values);
  const layer = { digest: sha256(bytes), bytes };
  const manifest = {
    ...chart,
    layers: chart.layers.map((l) => (l === original ? { ...l, digest: layer.digest, size: bytes.length } : l)),
  };
  const content = Buffer.from(JSON.stringify(manifest), "utf8");
  return {
    manifest: { digest: sha256(content), mediaType: served.mediaType, size: content.length, content },
    layer,
  } satisfies RenderedChart;
}

function fromMemory(chart: RenderedChart): OpenedBlob {
  const { bytes } = chart.layer;
  return {
    size: bytes.length,
    read: async (range) => {
      const start = range?.offset ?? 0;
      const end = range?.length === undefined ? bytes.length : start + range.length;
      return Readable.from([bytes.subarray(start, end)]);
    },
  };
}

/** `source` as `reader` sees it. */
export function chartDeliveryRepository(
  source: Repository,
  name: string,
  reader: ChartReader,
  deps: ChartDeliveryDeps,
): Repository {
  const license = reader.principal.licenseId;
  /** This license's cached rendering whose layer (or manifest) is `digest`. */
  const cachedPart = (digest: Digest, part: "layer" | "manifest") => {
    const chart = deps.cache.byDigest(license, digest.value);
    return chart && chart[part].digest === digest.value ? chart : undefined;
  };
  const layerOf = (digest: Digest) => cachedPart(digest, "layer");

  const visible = () => deps.visibleTags(reader.sourceName, channelOf(reader.principal));

  async function get(reference: ManifestReference): Promise<ServedManifest> {
    if ("tag" in reference) {
      const tags = await visible();
      if (tags && !tags.has(reference.tag)) {
        throw new RepositoryError("manifest-unknown", `${name}:${reference.tag} is not on your channel`);
      }
    }
    if ("digest" in reference) {
      const cached = cachedPart(reference.digest, "manifest");
      if (cached) return cached.manifest;
    }
    let served: ServedManifest;
    try {
      served = await source.manifests.get(reference);
    } catch (error) {
      // A rendered manifest's digest asked for where it was not rendered (another worker or node).
      if (!("digest" in reference) || !(error instanceof RepositoryError) || error.kind !== "manifest-unknown")
        throw error;
      const chart = await rendered(reference.digest, "manifest");
      if (!chart) throw error;
      return chart.manifest;
    }
    const chart = parseChartManifest(served.content);
    if (!chart) return served;
    if ("digest" in reference) {
      throw new RepositoryError("manifest-unknown", `charts of ${name} are delivered per license: pull them by tag`);
    }
    const facts = await deps.facts(license);
    if (!facts) throw new RepositoryError("name-unknown", `repository ${name} is not known`);
    const values = wharfValues(facts, reader.registry);
    const key = `${license}\n${served.digest}\n${sha256(JSON.stringify(values))}`;
    const hit = deps.cache.get(key);
    if (hit) return hit.manifest;
    try {
      const rendered = await render(source, served, chart, values);
      deps.cache.set(license, key, rendered);
      return rendered.manifest;
    } catch (error) {
      if (error instanceof ChartError) {
        throw new RepositoryError(
          "unavailable",
          `chart ${name}:${"tag" in reference ? reference.tag : ""} cannot be delivered: ${error.message}`,
        );
      }
      throw error;
    }
  }

  /**
   * Renders every chart version this license sees here again, into the
   * cache: a rendered digest asked for by a process that did not render it
   * (another worker of `server.workers`, another node, or after the cache
   * let it go) is found by rendering anew, since rendering is deterministic.
   * Bounded to the {@link maxRerenderedTags} first visible tags.
   */
  async function rerender(): Promise<void> {
    const page = await tags(undefined, maxRerenderedTags);
    for (const tag of page.tags) {
      try {
        await get({ tag });
      } catch (error) {
        if (!(error instanceof RepositoryError)) throw error;
      }
    }
  }

  /** The rendering whose layer (or manifest) is `digest`: from the cache, else rendered again; undefined when none is. */
  async function rendered(digest: Digest, part: "layer" | "manifest"): Promise<RenderedChart | undefined> {
    const cached = cachedPart(digest, part);
    if (cached) return cached;
    await rerender();
    return cachedPart(digest, part);
  }

  /** `task` on the source; when it knows no such blob, the rendering with that layer digest, if any. */
  async function sourceOrRendered<T>(digest: Digest, task: () => Promise<T>, fallback: (chart: RenderedChart) => T) {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof RepositoryError) || error.kind !== "blob-unknown") throw error;
      const chart = await rendered(digest, "layer");
      if (!chart) throw error;
      return fallback(chart);
    }
  }

  async function tags(last: string | undefined, limit: number) {
    const shown = await visible();
    if (!shown) return source.tags(last, limit);
    const page = await source.tags(undefined, maxGatedTags);
    const list = page.tags.filter((tag) => shown.has(tag) && (last === undefined || tag > last));
    return { ...page, tags: list.slice(0, limit) };
  }

  return {
    ...source,
    name,
    tags,
    blobs: {
      async stat(digest) {
        const chart = layerOf(digest);
        if (chart) return { size: chart.layer.bytes.length };
        return sourceOrRendered(
          digest,
          () => source.blobs.stat(digest),
          (found) => ({ size: found.layer.bytes.length }),
        );
      },
      async open(digest) {
        const chart = layerOf(digest);
        if (chart) return fromMemory(chart);
        return sourceOrRendered(digest, () => source.blobs.open(digest), fromMemory);
      },
      delete: (digest) => source.blobs.delete(digest),
      async redirect(digest) {
        if (layerOf(digest)) return undefined;
        return source.blobs.redirect?.(digest);
      },
    },
    manifests: { ...source.manifests, get },
  };
}
