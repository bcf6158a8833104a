/**
 * @module
 * Releases of an application. Owners and admins of the application's
 * organization (and server administrators) create, list and show them; a
 * license of the application lists and shows them too, and downloads their
 * bundles — but a license with a channel sees only releases on that
 * channel, and any other release is "not found" to it. Creating a release
 * resolves every tag to a digest before the row is written, so a release
 * never changes afterwards. Creations and bundle requests are audited.
 */
import type { Caller, ManagedNamespaceDeps } from "../accounts/management-access.ts";
import { recordChange, requireNamespaceManager } from "../accounts/management-access.ts";
import type { PlatformFilter } from "../airgap/plan-bundle.ts";
import type { ReleaseRow, ReleaseStore } from "../metadata/releases-metadata.ts";
import type { BundleCache, HeldBundle } from "./bundle-cache.ts";
import { bundlePlatforms } from "./bundle-platforms.ts";
import { type LicenseChartDeps, licenseCharts } from "./license-charts.ts";
import { ReleaseError } from "./release-error.ts";
import { checkChannels, checkImages, checkVersion, type ImageEntry } from "./release-input.ts";
import { type ResolveDeps, resolveImages } from "./resolve-images.ts";

/** What the service needs. */
export interface ReleaseServiceDeps extends ResolveDeps {
  readonly accounts: ManagedNamespaceDeps;
  readonly store: ReleaseStore;
  /** The channel of license row `id` (null: every channel); undefined when the license is gone. */
  readonly licenseChannel: (id: number) => Promise<string | null | undefined>;
  readonly bundles: BundleCache;
  /** Every blob digest of a release's bundle with these platforms (what a customer with it has). */
  readonly releaseBlobs: (release: ReleaseRow, platforms?: readonly PlatformFilter[]) => Promise<string[]>;
  readonly now: () => number;
  /** Where a license's charts are found (absent: bundles carry no charts). */
  readonly charts?: LicenseChartDeps;
}

/** How a bundle is asked for: a delta on top of `sinceRelease`, only `platforms` (`linux/amd64,…`). */
export interface BundleRequest {
  readonly sinceRelease?: string;
  readonly platforms?: string;
}

/** A new release as the API takes it. */
export interface NewReleaseInput {
  readonly version: string;
  readonly channels?: readonly string[];
  readonly images: readonly ImageEntry[];
}

/** A release as the API shows it. */
export interface ReleaseView {
  readonly app: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly images: ReleaseRow["images"];
  readonly createdAt: string;
}

const view = (row: ReleaseRow): ReleaseView => ({
  app: row.appSlug,
  version: row.version,
  channels: row.channels,
  images: row.images,
  createdAt: new Date(row.createdAt).toISOString(),
});

const missing = (app: string, version: string) =>
  new ReleaseError("not-found", `application ${JSON.stringify(app)} has no release ${JSON.stringify(version)}`);

/** Creates the service. */
export function createReleaseService(deps: ReleaseServiceDeps) {
  async function requireApplication(caller: Caller, app: string) {
    const namespace = await deps.accounts.store.findNamespace(app);
    if (namespace?.kind !== "application") {
      throw new ReleaseError("not-found", `application ${JSON.stringify(app.slice(0, 100))} does not exist`);
    }
    await requireNamespaceManager(deps.accounts, caller, app);
  }

  /** The filter of what `caller` may read of `app`'s releases; throws when it may read none. */
  async function readable(caller: Caller, app: string): Promise<(row: ReleaseRow) => boolean> {
    const principal = caller.principal;
    if (principal.kind !== "license") {
      await requireApplication(caller, app);
      return () => true;
    }
    if (principal.appSlug !== app)
      throw new ReleaseError("not-found", `application ${JSON.stringify(app)} does not exist`);
    const channel = await deps.licenseChannel(principal.licenseId);
    if (channel === undefined) throw new ReleaseError("denied", "the license is no longer valid");
    return (row) => channel === null || row.channels.includes(channel);
  }

  async function find(caller: Caller, app: string, version: string): Promise<ReleaseRow> {
    const may = await readable(caller, app);
    const row = await deps.store.findRelease(app, version);
    if (row === undefined || !may(row)) throw missing(app, version);
    return row;
  }

  return {
    /** Resolves and stores a release; `conflict` when the version exists, `source` when an image cannot be resolved. */
    async create(caller: Caller, app: string, input: NewReleaseInput): Promise<ReleaseView> {
      await requireApplication(caller, app);
      const version = checkVersion(input.version);
      const channels = checkChannels(input.channels ?? []);
      const entries = checkImages(input.images);
      if (await deps.store.findRelease(app, version)) {
        throw new ReleaseError(
          "conflict",
          `release ${version} of ${app} exists already; releases never change, create a new version`,
        );
      }
      const images = await resolveImages(deps, app, entries);
      try {
        const row = await deps.store.createRelease({ appSlug: app, version, channels, images, createdAt: deps.now() });
        recordChange(deps.accounts, caller, "release.create", `release:${app}/${version}`, { channels });
        return view(row);
      } catch (error) {
        if (await deps.store.findRelease(app, version))
          throw new ReleaseError("conflict", `release ${version} of ${app} exists already`);
        throw error;
      }
    },
    /** The releases `caller` may see, oldest first. */
    async list(caller: Caller, app: string): Promise<ReleaseView[]> {
      const may = await readable(caller, app);
      return (await deps.store.listReleases(app)).filter(may).map(view);
    },
    /** One release. */
    async show(caller: Caller, app: string, version: string): Promise<ReleaseView> {
      return view(await find(caller, app, version));
    },
    /**
     * The release's bundle, built once per variant and cached; `not-found`
     * for releases (or a `sinceRelease`) the caller may not see, `invalid`
     * for a delta on itself or a malformed platform.
     */
    async bundle(
      caller: Caller,
      app: string,
      version: string,
      request: BundleRequest = {},
    ): Promise<HeldBundle & { readonly name: string; readonly release: ReleaseRow }> {
      const row = await find(caller, app, version);
      const platforms = bundlePlatforms(request.platforms);
      const since = request.sinceRelease === undefined ? undefined : await find(caller, app, request.sinceRelease);
      if (since?.version === row.version)
        throw new ReleaseError("invalid", `a release cannot be a delta on top of itself (${version})`);
      const label = [
        ...(since ? [`since=${since.version}`] : []),
        ...(platforms.canonical ? [`platforms=${platforms.canonical}`] : []),
      ];
      const principal = caller.principal;
      const charts =
        principal.kind === "license" && deps.charts ? await licenseCharts(deps.charts, principal, row) : [];
      if (principal.kind === "license" && charts.length > 0) {
        // Rendered for this license only: its own file, named by what was rendered.
        label.push(
          `license=${principal.licenseId}`,
          `charts=${charts.map((c) => `${c.repository}:${c.tag}@${c.digest}`)}`,
        );
      }
      const variant = {
        ...(since && { since }),
        ...(platforms.filters.length && { platforms: platforms.filters }),
        ...(principal.kind === "license" && charts.length > 0 && { charts: { principal, list: charts } }),
      };
      const cached = await deps.bundles.get(row, { label: label.join("&"), variant });
      recordChange(deps.accounts, caller, "release.bundle", `release:${app}/${version}`, {
        ...(since && { since: since.version }),
        ...(platforms.canonical && { platforms: platforms.canonical }),
      });
      const name = `${app}-${version}${since ? `-since-${since.version}` : ""}.tar`;
      return { ...cached, name, release: row };
    },
    /** Every blob digest of a release's bundle (for a delta built elsewhere, `--since-release`). */
    async blobs(caller: Caller, app: string, version: string, platforms?: string) {
      const row = await find(caller, app, version);
      const blobs = await deps.releaseBlobs(row, bundlePlatforms(platforms).filters);
      return { app, version, createdAt: new Date(row.createdAt).toISOString(), blobs };
    },
  };
}

/** The releases service. */
export type ReleaseService = ReturnType<typeof createReleaseService>;
