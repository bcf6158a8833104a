/**
 * @module
 * The normalized name (`docker.io/library/alpine`) is the key Wharf compares
 * references by: two spellings of one repository (`alpine`,
 * `index.docker.io/library/alpine:3.5`) share it, and it carries neither tag
 * nor digest.
 */
import type { ImageReference } from "./image-reference.ts";

/**
 * `domain/path` of a reference, without tag or digest, e.g.
 * `docker.io/library/alpine`, `localhost:5000/foo`. Always contains a `/`
 * because a reference always has a domain.
 */
export function normalizedName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}
