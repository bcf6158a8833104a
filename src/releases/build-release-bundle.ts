/**
 * @module
 * Builds the airgap bundle of one stored release on the server, with the
 * airgap module's planner and writer: every image pinned to the digest the
 * release stored, the application's own images read from local storage,
 * the others from their registries with the stored credentials through the
 * outbound guard. Image references in the bundle are the names customers'
 * manifests use: `<ownHost>/<app>/<name>` for own images,
 * `<registry host>/<path>` otherwise, with the tag when the release had one
 * (the bundle's index records the pinned digest beside it).
 *
 * A variant narrows the bundle: `platforms` keeps only those platforms of
 * each index (as the CLI's `--platform` does), `since` makes it a delta
 * against a release the customer already has — its blobs (planned with the
 * same platforms) are left out and listed in `deltaOf`. For a license,
 * `charts` adds the application's Helm charts as the chart delivery renders
 * them for it (`<ownHost>/<app>/<chart>:<tag>`, marked `kind: chart`).
 */

import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { silentProgress } from "../airgap/bundle-progress.ts";
import { type ImageToPack, type PlatformFilter, planBundle } from "../airgap/plan-bundle.ts";
import { writeBundle } from "../airgap/write-bundle.ts";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryCredentials } from "../registry-client/registry-client-options.ts";
import type { LicenseChart } from "./license-charts.ts";
import type { LocalSource } from "./local-source.ts";
import { locateImage } from "./locate-image.ts";
import { ReleaseError } from "./release-error.ts";
import type { ResolveDeps } from "./resolve-images.ts";

/** What a server-side build needs. */
export interface BuildDeps extends Pick<ResolveDeps, "directory" | "createClient"> {
  readonly local: LocalSource;
  /** The host customers know this server by (`publicUrl`'s host, else the listen address). */
  readonly ownHost: () => string;
  readonly now: () => number;
  /** The application's repositories as a license pulls them (charts rendered for it). */
  readonly chartSource?: (principal: LicensePrincipal) => LocalSource;
}

/** How a bundle differs from the release's full bundle. */
export interface BundleVariant {
  /** The release the customer has: its blobs are left out. */
  readonly since?: ReleaseRow;
  /** Only these platforms of each index. */
  readonly platforms?: readonly PlatformFilter[];
  /** Charts rendered for the license that asked. */
  readonly charts?: { readonly principal: LicensePrincipal; readonly list: readonly LicenseChart[] };
}

/** The images of `release` and one client that reads them all. */
async function releaseSources(
  deps: BuildDeps,
  release: ReleaseRow,
): Promise<{ images: ImageToPack[]; client: RegistryClient }> {
  const credentials: Record<string, RegistryCredentials> = {};
  const insecure = new Set<string>();
  const ownHost = deps.ownHost();
  const images: ImageToPack[] = [];
  for (const image of release.images) {
    const entry = { name: image.name, source: image.source, digest: image.digest };
    const location = await locateImage(deps.directory, release.appSlug, entry);
    const tag = image.tag === undefined ? "" : `:${image.tag}`;
    if (location.kind === "own") {
      const ref = { domain: ownHost, path: location.repository, digest: image.digest };
      images.push({ reference: `${ownHost}/${location.repository}${tag}`, ref });
      continue;
    }
    const host = location.ref.domain;
    if (location.credentials) credentials[host] ??= location.credentials;
    if (location.insecure) insecure.add(host);
    images.push({ reference: `${host}/${location.ref.path}${tag}`, ref: location.ref });
  }
  const remote = deps.createClient({ credentials, insecure: (host) => insecure.has(host) });
  return { images, client: combine(remote, deps.local, ownHost) };
}

/**
 * Every blob digest (configs and layers) of `release`'s bundle with
 * `platforms`: what a customer holding that bundle has. Manifests only are
 * read. Throws ReleaseError `source` when an image cannot be read.
 */
export async function releaseBlobs(
  deps: BuildDeps,
  release: ReleaseRow,
  platforms?: readonly PlatformFilter[],
): Promise<string[]> {
  return wrap(release, async () => {
    const { images, client } = await releaseSources(deps, release);
    const plan = await planBundle(client, images, { ...(platforms?.length && { platforms }) });
    return plan.blobs.map((blob) => blob.digest);
  });
}

/** Writes `release`'s bundle (narrowed by `variant`) to `out` (through `<out>.partial`, resumable). */
export async function buildReleaseBundle(
  deps: BuildDeps,
  release: ReleaseRow,
  out: string,
  variant: BundleVariant = {},
): Promise<void> {
  const { since, platforms, charts } = variant;
  const skipBlobs = since === undefined ? undefined : new Set(await releaseBlobs(deps, since, platforms));
  await wrap(release, async () => {
    const sources = await releaseSources(deps, release);
    const ownHost = deps.ownHost();
    const chartImages = (charts?.list ?? []).map((chart) => ({
      reference: `${ownHost}/${chart.repository}:${chart.tag}`,
      ref: { domain: ownHost, path: chart.repository, tag: chart.tag },
    }));
    const chartPaths = new Set(chartImages.map((c) => c.ref.path));
    const client =
      charts && deps.chartSource && chartImages.length > 0
        ? combine(sources.client, deps.chartSource(charts.principal), ownHost, (path) => chartPaths.has(path))
        : sources.client;
    const plan = await planBundle(client, [...sources.images, ...chartImages], {
      ...(platforms?.length && { platforms }),
      ...(skipBlobs && { skipBlobs }),
    });
    const chartReferences = new Set(chartImages.map((c) => c.reference));
    plan.images.forEach((image, i) => {
      if (chartReferences.has(image.reference)) plan.images[i] = { ...image, kind: "chart" };
    });
    const info = {
      app: release.appSlug,
      release: release.version,
      created: new Date(deps.now()).toISOString(),
      ...(since !== undefined && {
        deltaOf: { release: since.version, created: new Date(since.createdAt).toISOString(), blobs: plan.skipped },
      }),
    };
    await writeBundle(plan, client, out, info, silentProgress);
  });
}

async function wrap<T>(release: ReleaseRow, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReleaseError || !(error instanceof Error)) throw error;
    throw new ReleaseError("source", `building the bundle of ${release.appSlug} ${release.version}: ${error.message}`);
  }
}

/** One client: reads for `ownHost` (and `only` of its paths) go to `local`, the rest to `remote`. */
function combine(
  remote: RegistryClient,
  local: LocalSource,
  ownHost: string,
  only: (path: string) => boolean = () => true,
): RegistryClient {
  const mine = (repo: { domain: string; path: string }) => repo.domain === ownHost && only(repo.path);
  return {
    ...remote,
    getManifest: (ref, options) => (mine(ref) ? local.getManifest(ref) : remote.getManifest(ref, options)),
    listReferrers: (repo, digest) =>
      mine(repo) ? local.listReferrers(repo, digest) : remote.listReferrers(repo, digest),
    getBlob: (repo, digest) => (mine(repo) ? local.getBlob(repo, digest) : remote.getBlob(repo, digest)),
  };
}
