/**
 * @module
 * What getManifest and headManifest share: which URL a reference's
 * manifest is at, and the integrity rule. A reference by digest is only
 * satisfied by bytes with that digest, and a `Docker-Content-Digest` the
 * server sends is a claim to check, not to trust — a proxy that cached the
 * wrong bytes under a tag is exactly what the check catches.
 */
import { type Digest, digestOf, tryParseDigest } from "../digest/digest.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { withDefaultTag } from "../reference/with-default-tag.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import { repositoryAddress } from "./repository-address.ts";

/** Where a reference's manifest is, and the digest it must have if the reference pins one. */
export interface ManifestTarget {
  readonly host: string;
  readonly scope: string;
  /** `/v2/<path>/manifests/<digest or tag>`. */
  readonly path: string;
  readonly pinned?: Digest;
}

/**
 * The manifest URL path for `ref`: by digest when it has one (even with a
 * tag too, as Docker does), else by tag, `latest` when it has neither.
 * Fails with `protocol` for a digest that is not sha256/sha512.
 */
export function manifestTarget(ref: ImageReference): RegistryResult<ManifestTarget> {
  const { host, base, scope } = repositoryAddress(ref);
  const withTag = withDefaultTag(ref);
  if (withTag.digest === undefined) {
    return success({ host, scope, path: `${base}/manifests/${withTag.tag}` });
  }
  const pinned = tryParseDigest(withTag.digest);
  if (pinned === undefined) return failed("protocol", `invalid digest in reference`);
  return success({ host, scope, path: `${base}/manifests/${pinned.value}`, pinned });
}

/**
 * Checks manifest `bytes` against the pinned digest and the server's
 * `Docker-Content-Digest` claim (`header`, ignored when absent or not a
 * digest Wharf can compute), and returns the manifest's digest: the pinned
 * one, else the claimed one, else the sha256 of the bytes. Fails with
 * `protocol` on any mismatch.
 */
export function checkManifestDigest(
  bytes: Uint8Array,
  pinned: Digest | undefined,
  header: string | undefined,
  what: string,
): RegistryResult<string> {
  const claimed = header === undefined ? undefined : tryParseDigest(header.trim());
  for (const expected of [pinned, claimed]) {
    if (expected === undefined) continue;
    const actual = digestOf(bytes, expected.algorithm);
    if (actual !== expected.value) {
      const source = expected === pinned ? "requested" : "Docker-Content-Digest";
      return failed("protocol", `${what}: manifest digest is ${actual}, not the ${source} ${expected.value}`);
    }
  }
  return success(pinned?.value ?? claimed?.value ?? digestOf(bytes));
}

/** `application/json` from `application/json; charset=utf-8`; undefined for a missing or empty header. */
export function mediaTypeEssence(header: string | undefined): string | undefined {
  const essence = header?.split(";")[0]?.trim().toLowerCase();
  return essence === undefined || essence === "" ? undefined : essence;
}
