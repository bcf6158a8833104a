/**
 * @module
 * The `platform` option of a server-built bundle (`linux/amd64,linux/arm64`)
 * read into the airgap planner's filters, in one canonical order, so the
 * same set of platforms names the same cached bundle however it was written.
 */
import { BundleError } from "../airgap/bundle-error.ts";
import { type PlatformFilter, parsePlatform } from "../airgap/plan-bundle.ts";
import { ReleaseError } from "./release-error.ts";

const maxPlatforms = 20;

/** The filters and their canonical text; ReleaseError `invalid` naming a platform that is not os/arch[/variant]. */
export function bundlePlatforms(text: string | undefined): { filters: PlatformFilter[]; canonical: string } {
  if (text === undefined || text.trim() === "") return { filters: [], canonical: "" };
  const names = [...new Set(text.split(",").map((p) => p.trim()))].filter((p) => p !== "").sort();
  if (names.length > maxPlatforms) throw new ReleaseError("invalid", `ask for at most ${maxPlatforms} platforms`);
  try {
    return { filters: names.map(parsePlatform), canonical: names.join(",") };
  } catch (error) {
    if (error instanceof BundleError) throw new ReleaseError("invalid", error.message);
    throw error;
  }
}
