/**
 * @module
 * The parsed shape of a Docker image reference such as
 * `registry.acme.com/engineering/web-app:1.0`. It is a plain frozen record,
 * not a class, so it crosses module, JSON and worker boundaries unchanged;
 * the helpers beside it (`normalizedName`, `referenceString`,
 * `familiarString`, …) derive every printed form from these four fields.
 */

/**
 * A validated, normalized image reference.
 * - `domain`: registry host with optional port, normalized (`docker.io` for
 *   Docker Hub and its aliases; otherwise exactly as written, upper case kept,
 *   e.g. `localhost:5000`, `[::1]:5000`).
 * - `path`: the repository path on that registry, lower case, never empty;
 *   single-component Docker Hub paths carry `library/` (`library/alpine`).
 * - `tag`: present only when written; the default `latest` is *not* filled in
 *   (see `withDefaultTag`).
 * - `digest`: present only when written; `sha256:<64 hex>` or
 *   `sha512:<128 hex>`. A reference may carry both tag and digest.
 */
export interface ImageReference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * What `parseReference` returns: the reference, or an error message that
 * names the offending part and says what to change. Parsing never throws.
 */
export type ParseResult =
  | { readonly ok: true; readonly reference: ImageReference }
  | { readonly ok: false; readonly error: string };
