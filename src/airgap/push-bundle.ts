/**
 * @module
 * Pushes a verified bundle into a customer's registry: every image under
 * its airgap name (the same rule the rewriter's airgap mode writes), blobs
 * first (skipped when there, mounted from a repository this push already
 * filled, uploaded otherwise), then child manifests, the image's manifest by
 * tag, then its referrers — several images and platforms at once, at most
 * six uploads in flight, each blob uploaded once per repository. A delta bundle is
 * checked first: every blob it relies on from its base must already be in
 * the registry, or nothing is pushed and the base is named.
 */
import type { ParsedManifest } from "../oci/parse-manifest.ts";
import { parseReference } from "../reference/parse-reference.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RepositoryRef } from "../registry-client/repository-address.ts";
import { createLimiter } from "../rewrite/classify-image.ts";
import { airgapName } from "../rewrite/image-names.ts";
import { type BundleImage, bundleName } from "./bundle-description.ts";
import { BundleError } from "./bundle-error.ts";
import type { BundleProgress } from "./bundle-progress.ts";
import type { OpenedBundle } from "./open-bundle.ts";

/** One image as pushed. */
export interface PushedImage {
  readonly reference: string;
  /** The name in the customer's registry (`<registry>/<path>`), with tag or digest. */
  readonly pushedTo: string;
  readonly digest: string;
}

/** Where the target repository of an image lives: the registry host and path under `registry` (`host[/namespace]`). */
export function targetRepository(reference: string, registry: string): RepositoryRef & { readonly name: string } {
  const parsed = parseReference(reference);
  if (!parsed.ok)
    throw new BundleError("corrupt", `the bundle names an invalid image ${JSON.stringify(reference)}: ${parsed.error}`);
  const name = airgapName(parsed.reference, registry);
  const slash = name.indexOf("/");
  return { domain: name.slice(0, slash), path: name.slice(slash + 1), name };
}

/**
 * Pushes `bundle` into `registry` with `client`. Throws BundleError
 * `incomplete` when a delta's base is missing (before pushing anything),
 * `target` when the registry refuses something.
 */
export async function pushBundle(
  bundle: OpenedBundle,
  client: RegistryClient,
  registry: string,
  progress: BundleProgress,
  concurrency = 4,
): Promise<PushedImage[]> {
  const { description } = bundle;
  const targets = description.images.map((image) => ({ image, repo: targetRepository(image.reference, registry) }));
  const mountFrom = new Map<string, string>();
  await checkBase(
    bundle,
    client,
    targets.map((t) => t.repo),
    mountFrom,
  );
  const total = Object.values(description.blobs).reduce((sum, size) => sum + size, 0);
  progress.start(total, Object.keys(description.blobs).length, 0, 0);
  const limit = createLimiter(concurrency);
  // Uploads across images and platforms, at most a few at once; each blob once per repository.
  const uploads = createLimiter(blobConcurrency);
  const inFlight = new Map<string, Promise<void>>();
  const pushed = await Promise.all(targets.map(({ image, repo }) => limit(() => pushImage(image, repo))));
  progress.finish();
  return pushed;

  async function pushImage(image: BundleImage, repo: RepositoryRef & { name: string }): Promise<PushedImage> {
    await pushManifestTree(repo, image.digest, image.mediaType);
    const parsed = parseReference(image.reference);
    const tag = parsed.ok ? parsed.reference.tag : undefined;
    const top = bundle.manifests.get(image.digest)!;
    await putManifest(repo, tag ?? image.digest, top.bytes, image.mediaType);
    for (const referrer of image.referrers) {
      const held = bundle.manifests.get(referrer);
      if (held === undefined)
        throw new BundleError("corrupt", `referrer ${referrer} of ${image.reference} is not in the bundle`);
      await pushManifestTree(repo, referrer, held.parsed.mediaType);
    }
    return {
      reference: image.reference,
      pushedTo: tag ? `${repo.name}:${tag}` : `${repo.name}@${image.digest}`,
      digest: image.digest,
    };
  }

  /** Blobs, then children, then the manifest itself (by digest). */
  async function pushManifestTree(
    repo: RepositoryRef & { name: string },
    digest: string,
    mediaType: string,
  ): Promise<void> {
    const held = bundle.manifests.get(digest);
    if (held === undefined) throw new BundleError("corrupt", `manifest ${digest} is not in the bundle`);
    await Promise.all(held.parsed.manifests.map((child) => pushManifestTree(repo, child.digest, child.mediaType)));
    await Promise.all(blobsOf(held.parsed).map((blob) => pushBlobOnce(repo, blob)));
    await putManifest(repo, digest, held.bytes, mediaType);
  }

  function pushBlobOnce(repo: RepositoryRef & { name: string }, digest: string): Promise<void> {
    const key = `${repo.domain}/${repo.path}\n${digest}`;
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = uploads(() => pushBlob(repo, digest));
      inFlight.set(key, pending);
    }
    return pending;
  }

  async function pushBlob(repo: RepositoryRef & { name: string }, digest: string): Promise<void> {
    if (!bundle.has(digest)) {
      const from = mountFrom.get(digest);
      if (from === undefined || from === repo.path) return;
      const mounted = await client.pushBlob(repo, { digest, size: 0, open: failOpen(digest), mountFrom: from });
      if (!mounted.ok)
        throw new BundleError("target", `${repo.name}: blob ${digest} from the base: ${mounted.failure.message}`);
      return;
    }
    const size = bundle.sizeOf(digest);
    const from = mountFrom.get(digest);
    const result = await client.pushBlob(repo, {
      digest,
      size,
      open: () => bundle.writer(digest),
      ...(from !== undefined && from !== repo.path && { mountFrom: from }),
    });
    if (!result.ok) throw new BundleError("target", `${repo.name}: blob ${digest}: ${result.failure.message}`);
    if (!mountFrom.has(digest)) mountFrom.set(digest, repo.path);
    progress.advance(size);
    progress.blobDone();
  }

  async function putManifest(
    repo: RepositoryRef & { name: string },
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ) {
    const put = await client.putManifest(repo, reference, bytes, mediaType);
    if (!put.ok) throw new BundleError("target", `${repo.name}:${reference}: ${put.failure.message}`);
  }
}

const blobConcurrency = 6;

function blobsOf(parsed: ParsedManifest): string[] {
  const descriptors = [...(parsed.config ? [parsed.config] : []), ...parsed.layers.filter((l) => !l.urls?.length)];
  return [...new Set(descriptors.map((d) => d.digest))];
}

function failOpen(digest: string) {
  return (): never => {
    throw new BundleError("incomplete", `blob ${digest} had to be uploaded but is only in the base bundle`);
  };
}

/**
 * For a delta: finds every base blob in some target repository (HEAD only,
 * nothing written), remembering where, so pushes can mount it. Throws
 * BundleError `incomplete` naming the base when any is missing.
 */
async function checkBase(
  bundle: OpenedBundle,
  client: RegistryClient,
  repos: readonly RepositoryRef[],
  found: Map<string, string>,
): Promise<void> {
  const base = bundle.description.deltaOf;
  if (base === undefined) return;
  const missing: string[] = [];
  for (const digest of base.blobs) {
    let where: string | undefined;
    for (const repo of repos) {
      const head = await client.headBlob(repo, digest);
      if (head.ok) {
        where = repo.path;
        break;
      }
      if (head.failure.kind !== "not-found" && head.failure.kind !== "unauthorized") {
        throw new BundleError("target", `checking ${repo.domain}/${repo.path} for ${digest}: ${head.failure.message}`);
      }
    }
    if (where === undefined) missing.push(digest);
    else found.set(digest, where);
  }
  if (missing.length > 0) {
    const name = bundleName({
      ...(base.release !== undefined && { release: base.release }),
      app: bundle.description.app,
      created: base.created,
    });
    throw new BundleError(
      "incomplete",
      `this is a delta bundle on top of ${name}, and ${missing.length} blob(s) it relies on are not in the registry: push the bundle of ${name} first, then this one. Nothing was pushed.`,
    );
  }
}
