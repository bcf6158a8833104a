/**
 * @module
 * With `--pin`, the rewriter warns when a tag no longer points where the
 * application's last release pinned it: the customer would otherwise run
 * something other than what was released, without anyone noticing. A
 * release names images by their path inside their source (`acme/api`), so an
 * image in the manifests matches a release image when its repository path
 * ends with that name and the tags are equal.
 */
import type { ImageReference } from "../reference/image-reference.ts";

/** What the rewriter needs of a release. */
export interface ReleaseSummary {
  readonly version: string;
  readonly images: readonly { readonly name: string; readonly tag?: string; readonly digest: string }[];
}

/**
 * One warning per image (as written) whose tag is in `release` with a
 * different digest than `pins` now gives it. Images without a tag, not
 * pinned, or not in the release are left alone.
 */
export function releaseDriftWarnings(
  images: ReadonlyMap<string, ImageReference>,
  pins: ReadonlyMap<string, string>,
  release: ReleaseSummary,
): string[] {
  const warnings: string[] = [];
  for (const [image, ref] of images) {
    const pinned = pins.get(image);
    if (ref.tag === undefined || ref.digest !== undefined || pinned === undefined) continue;
    const released = release.images.filter(
      (r) => r.tag === ref.tag && (ref.path === r.name || ref.path.endsWith(`/${r.name}`)),
    );
    if (released.length === 0 || released.some((r) => r.digest === pinned)) continue;
    warnings.push(
      `${image}: tag ${ref.tag} moved since release ${release.version} (released ${released[0]!.digest}, now ${pinned}); the pin follows the tag`,
    );
  }
  return warnings;
}
