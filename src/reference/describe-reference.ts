/**
 * @module
 * Every printed form of a reference in one record, for `wharf ref <image>`
 * and for tests: people debugging "why does my image go to Docker Hub?" need
 * to see the domain, the `library/` prefix, the default tag and the host that
 * is actually dialed side by side.
 */
import { familiarString } from "./familiar-string.ts";
import type { ImageReference } from "./image-reference.ts";
import { normalizedName } from "./normalized-name.ts";
import { referenceString } from "./reference-string.ts";
import { registryHostForPulling } from "./registry-host-for-pulling.ts";
import { withDefaultTag } from "./with-default-tag.ts";

/**
 * The parts of a reference, always with these keys in this order:
 * `name` (normalized name), `domain`, `path`, `tag` (the tag pulled: `latest`
 * when neither tag nor digest was written, `""` for a digest-only reference),
 * `digest` (`""` when absent), `familiar` (as written, no default tag),
 * `reference` (full normalized string, default tag applied) and `pullHost`
 * (`registry-1.docker.io` for Docker Hub, else the domain).
 */
export function describeReference(ref: ImageReference): Record<string, string> {
  return {
    name: normalizedName(ref),
    domain: ref.domain,
    path: ref.path,
    tag: withDefaultTag(ref).tag ?? "",
    digest: ref.digest ?? "",
    familiar: familiarString(ref),
    reference: referenceString(ref),
    pullHost: registryHostForPulling(ref.domain),
  };
}
