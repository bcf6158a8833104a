/**
 * @module
 * The proxy repository: one more implementation of the Repository the
 * registry handlers serve, reading through to an upstream registry and
 * caching in Wharf's own storage and metadata under the proxy name. Reads
 * only: pushes, deletes and uploads are refused.
 */
import type { Repository } from "../registry/repository.ts";
import { proxyBlobs } from "./proxy-blobs.ts";
import type { ProxyShared, ProxyTarget } from "./proxy-deps.ts";
import { proxyManifests, readOnly } from "./proxy-manifests.ts";

/** The repository for `target`. */
export function proxyRepository(shared: ProxyShared, target: ProxyTarget): Repository {
  const { manifests, tags } = proxyManifests(shared, target);
  const refuse = async (): Promise<never> => {
    throw readOnly(target.name);
  };
  return {
    name: target.name,
    blobs: proxyBlobs(shared, target),
    manifests,
    tags,
    referrers: (subject, artifactType) => shared.metadata.listReferrers(target.name, subject.value, artifactType),
    uploads: {
      start: refuse,
      status: refuse,
      append: refuse,
      complete: refuse,
      monolithic: refuse,
      cancel: refuse,
      mount: refuse,
    },
  };
}
