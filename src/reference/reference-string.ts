/**
 * @module
 * The full normalized string of a reference — what Docker prints as
 * `docker.io/library/alpine:latest` — used wherever one unambiguous spelling
 * is needed: logs, kustomize `images:` entries, cache keys.
 */
import type { ImageReference } from "./image-reference.ts";
import { normalizedName } from "./normalized-name.ts";
import { withDefaultTag } from "./with-default-tag.ts";

/**
 * `domain/path[:tag][@digest]` with the default tag applied: `alpine` gives
 * `docker.io/library/alpine:latest`; a digest-only reference gets no tag
 * (`docker.io/library/alpine@sha256:…`); tag and digest together are both kept
 * (`…:3.5@sha256:…`), as Docker's `String()` does.
 */
export function referenceString(ref: ImageReference): string {
  const full = withDefaultTag(ref);
  const tag = full.tag === undefined ? "" : `:${full.tag}`;
  const digest = full.digest === undefined ? "" : `@${full.digest}`;
  return `${normalizedName(full)}${tag}${digest}`;
}
