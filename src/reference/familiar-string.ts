/**
 * @module
 * Docker's `FamiliarString`: the short spelling people type and Docker's own
 * UI prints (`alpine:3.5`, `fredysa/alpine:1.0`). Wharf shows it to users and
 * keeps the normalized form for comparisons.
 */
import { dockerHub } from "./docker-hub.ts";
import type { ImageReference } from "./image-reference.ts";

/**
 * The familiar form of a reference as written (no default tag added): on
 * `docker.io` the domain is dropped and `library/` is dropped when exactly one
 * component follows it (`library/alpine` → `alpine`, but `library/a/b` stays,
 * like Docker); other registries keep their domain. Tag then digest are
 * appended when present: `alpine`, `alpine:3.5`, `quay.io/org/api@sha256:…`.
 */
export function familiarString(ref: ImageReference): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${familiarName(ref)}${tag}${digest}`;
}

function familiarName(ref: ImageReference): string {
  if (ref.domain !== dockerHub.domain) return `${ref.domain}/${ref.path}`;
  const official = ref.path.startsWith(dockerHub.officialPrefix)
    ? ref.path.slice(dockerHub.officialPrefix.length)
    : undefined;
  return official !== undefined && !official.includes("/") ? official : ref.path;
}
