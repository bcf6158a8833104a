/**
 * @module
 * Docker's `TagNameOnly`: a name with neither tag nor digest means the tag
 * `latest`. Parsing keeps what was written, so callers that need the image a
 * reference actually pulls apply this rule explicitly, in one place.
 */
import { dockerHub } from "./docker-hub.ts";
import type { ImageReference } from "./image-reference.ts";

/**
 * The reference with tag `latest` added when it has neither tag nor digest;
 * otherwise the same object (a digest-only reference stays untagged, as in
 * Docker, because the digest already pins the image).
 */
export function withDefaultTag(ref: ImageReference): ImageReference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return Object.freeze({ ...ref, tag: dockerHub.defaultTag });
}
