/**
 * @module
 * The Helm charts a license's airgap bundle carries: for every repository
 * of the application that holds a chart the license may pull (its
 * entitlements cover the repository), one version — the tag equal to the
 * release's version when the license's channel sees it, else the highest
 * version-like tag the channel sees — as the chart delivery renders it for
 * that license (`global.wharf` injected, its own digest). Repositories of
 * images are passed over: their tag's manifest is not a chart.
 */
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { parseChartManifest } from "../charts/chart-media-types.ts";
import { entitlementCovers } from "../licensing/entitlements.ts";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import type { Repository } from "../registry/repository.ts";

/** One chart rendered for the license. */
export interface LicenseChart {
  /** The application's repository, `<app>/<chart>`. */
  readonly repository: string;
  readonly tag: string;
  /** The rendered manifest's digest (the license's own). */
  readonly digest: string;
}

/** Where the charts are read. */
export interface LicenseChartDeps {
  /** The repository names of an application's namespace. */
  readonly repositories: (app: string) => Promise<string[]>;
  /** A repository as `principal` pulls it (charts rendered for it). */
  readonly asLicense: (name: string, principal: LicensePrincipal) => Promise<Repository>;
}

const maxTags = 1000;
const versionLike = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

/** The charts of `release`'s application rendered for `principal`, by repository name. */
export async function licenseCharts(
  deps: LicenseChartDeps,
  principal: LicensePrincipal,
  release: ReleaseRow,
): Promise<LicenseChart[]> {
  const charts: LicenseChart[] = [];
  for (const name of await deps.repositories(release.appSlug)) {
    if (!principal.entitlements.some((pattern) => entitlementCovers(pattern, name))) continue;
    const repository = await deps.asLicense(name, principal);
    const { tags } = await repository.tags(undefined, maxTags);
    const tag = tags.includes(release.version) ? release.version : newest(tags);
    if (tag === undefined) continue;
    const manifest = await repository.manifests.get({ tag }).catch(() => undefined);
    if (manifest === undefined || parseChartManifest(manifest.content) === undefined) continue;
    charts.push({ repository: name, tag, digest: manifest.digest });
  }
  return charts;
}

/** The highest `x.y.z` tag, or undefined when none looks like a version. */
function newest(tags: readonly string[]): string | undefined {
  let best: { tag: string; parts: number[] } | undefined;
  for (const tag of tags) {
    const match = versionLike.exec(tag);
    if (!match) continue;
    const parts = match.slice(1, 4).map(Number);
    const better = best === undefined || compare(parts, best.parts) > 0;
    if (better) best = { tag, parts };
  }
  return best?.tag;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
