/**
 * @module
 * Manifests and tags of a proxied repository. By digest: served from the
 * cache, else fetched (digest-verified by the registry client) and cached
 * under the proxy repository's name. By tag: served from the cache while
 * the tag was confirmed less than the TTL ago; after that revalidated with a
 * HEAD (which Docker Hub does not count as a pull) and re-fetched only when
 * it moved. When the upstream is down, slow or rate-limiting, a cached tag
 * is served with a stale reason; only an answer (not found, refused) fails
 * the request. Only what a client asks for is fetched: an index's children
 * are fetched when a client asks for them by digest.
 */
import type { NewManifest, StoredManifest } from "../metadata/registry-metadata.ts";
import { parseManifest } from "../oci/parse-manifest.ts";
import type { ManifestReference } from "../registry/manifest-service.ts";
import type { RepositoryManifests, ServedManifest, TagPage } from "../registry/repository.ts";
import { RepositoryError } from "../registry/repository-error.ts";
import type { FetchedManifest } from "../registry-client/get-manifest.ts";
import type { RegistryFailure, RegistryResult } from "../registry-client/registry-result.ts";
import type { ProxyShared, ProxyTarget } from "./proxy-deps.ts";
import { type FetchKind, staleReason, upstreamError } from "./upstream-failure.ts";

/** Manifest reads of `target` plus its tag list; writes are refused. */
export function proxyManifests(shared: ProxyShared, target: ProxyTarget) {
  const { metadata, metrics, freshness, now } = shared;
  const labels = { app: target.app, kind: "manifest" };

  function logFailure(failure: RegistryFailure, what: string, stale?: string): void {
    const fields = { upstream: target.upstream, repository: target.name, reason: failure.message };
    if (stale) shared.log.warn({ ...fields, stale }, `proxy: serving cached ${what}: ${stale}`);
    else shared.log.warn(fields, `proxy: upstream request for ${what} failed`);
  }

  function fail(failure: RegistryFailure, kind: FetchKind, what: string): RepositoryError {
    logFailure(failure, what);
    return upstreamError(failure, kind, what);
  }

  async function fetchUpstream(reference: string): Promise<RegistryResult<FetchedManifest>> {
    metrics.upstreamFetches.inc(labels);
    const ref = reference.includes(":") ? { ...target.ref, digest: reference } : { ...target.ref, tag: reference };
    return target.client.getManifest(ref);
  }

  async function cache(fetched: FetchedManifest, tag: string | undefined): Promise<StoredManifest> {
    const manifest: NewManifest = {
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      size: fetched.bytes.length,
      content: fetched.bytes,
      ...referrerFields(fetched),
    };
    await metadata.putManifest(target.name, manifest, tag);
    if (tag !== undefined) freshness.confirm(target.name, tag, fetched.digest, now());
    return manifest;
  }

  async function byDigest(digest: string): Promise<ServedManifest> {
    const cached = await metadata.getManifest(target.name, digest);
    if (cached) {
      metrics.cacheHits.inc(labels);
      return cached;
    }
    return shared.once(`${target.name}@${digest}`, async () => {
      metrics.cacheMisses.inc(labels);
      const fetched = await fetchUpstream(digest);
      if (!fetched.ok) throw fail(fetched.failure, "manifest", `manifest ${digest}`);
      return cache(fetched.value, undefined);
    });
  }

  async function byTag(tag: string): Promise<ServedManifest> {
    const cached = await metadata.getManifest(target.name, tag);
    const known = cached && (await freshness.check(target.name, tag, cached.digest, now()));
    if (cached && known) {
      metrics.cacheHits.inc(labels);
      return known.stale === undefined ? cached : { ...cached, stale: known.stale };
    }
    return shared.once(`${target.name}:${tag}`, () => refreshTag(tag, cached));
  }

  /** Revalidates a cached tag (HEAD) or fetches an uncached one; serves the cache through outages. */
  async function refreshTag(tag: string, cached: StoredManifest | undefined): Promise<ServedManifest> {
    if (cached) {
      metrics.upstreamFetches.inc(labels);
      const head = await target.client.headManifest({ ...target.ref, tag });
      if (head.ok && head.value.digest === cached.digest) {
        freshness.confirm(target.name, tag, cached.digest, now());
        metrics.cacheHits.inc(labels);
        return cached;
      }
      const stale = head.ok ? undefined : staleReason(head.failure);
      if (!head.ok && stale) {
        metrics.cacheHits.inc(labels);
        return servedStale(head.failure, tag, cached, stale);
      }
      if (!head.ok) throw fail(head.failure, "manifest", `manifest ${tag}`);
    }
    metrics.cacheMisses.inc(labels);
    const fetched = await fetchUpstream(tag);
    if (fetched.ok) return cache(fetched.value, tag);
    const stale = cached ? staleReason(fetched.failure) : undefined;
    if (cached && stale) return servedStale(fetched.failure, tag, cached, stale);
    throw fail(fetched.failure, "manifest", `manifest ${tag}`);
  }

  function servedStale(failure: RegistryFailure, tag: string, cached: StoredManifest, stale: string): ServedManifest {
    logFailure(failure, `${target.name}:${tag}`, stale);
    freshness.servedStale(target.name, tag, cached.digest, stale, now());
    return { ...cached, stale };
  }

  const manifests: RepositoryManifests = {
    async get(reference: ManifestReference) {
      const served = "digest" in reference ? await byDigest(reference.digest.value) : await byTag(reference.tag);
      metrics.pulls.inc({ app: target.app });
      return served;
    },
    async put() {
      throw readOnly(target.name);
    },
    async delete() {
      throw readOnly(target.name);
    },
  };

  /**
   * The upstream's tags (sorted, paged here); while it is unavailable, the
   * cached tags marked stale (or the upstream's error when none are cached).
   */
  async function tags(last: string | undefined, limit: number): Promise<TagPage> {
    metrics.upstreamFetches.inc({ app: target.app, kind: "tags" });
    const listed = await target.client.listTags(target.ref);
    if (listed.ok) return { tags: page([...listed.value].sort(), last, limit) };
    const stale = staleReason(listed.failure);
    if (!stale) throw fail(listed.failure, "tags", `repository ${target.name}`);
    const cached = await metadata.listTags(target.name, last, limit);
    if (cached.length === 0 && last === undefined) throw fail(listed.failure, "tags", `repository ${target.name}`);
    logFailure(listed.failure, "tag list", stale);
    return { tags: cached, stale };
  }

  return { manifests, tags };
}

function page(sorted: string[], last: string | undefined, limit: number): string[] {
  const start = last === undefined ? 0 : sorted.findIndex((tag) => tag > last);
  return start < 0 ? [] : sorted.slice(start, start + limit);
}

/** Subject, artifact type and annotations for the referrers API, when the manifest is one Wharf parses. */
function referrerFields(fetched: FetchedManifest): Partial<NewManifest> {
  try {
    const parsed = parseManifest(fetched.bytes, fetched.mediaType);
    return {
      artifactType: parsed.artifactType ?? (parsed.subject ? parsed.config?.mediaType : undefined),
      subjectDigest: parsed.subject?.digest,
      annotations: parsed.annotations,
    };
  } catch {
    return {};
  }
}

/** The error for pushes and deletes. */
export function readOnly(name: string): RepositoryError {
  return new RepositoryError(
    "read-only",
    `${name} is a pull-through proxy repository and is read-only: push to the upstream registry instead`,
  );
}
