/**
 * @module
 * Resolves every image of a new release to a manifest digest: the
 * application's own images by their tag in Wharf's metadata, the others
 * with a HEAD on their registry (stored credentials, the outbound guard).
 * A digest given in the list is checked to exist the same way. Afterwards
 * the release names only digests, so a tag moved upstream changes nothing.
 */
import type { UpstreamDirectory } from "../external/upstream-registry.ts";
import type { StoredManifest } from "../metadata/registry-metadata.ts";
import type { ReleaseImage } from "../metadata/releases-metadata.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryClientOptions } from "../registry-client/registry-client-options.ts";
import { type ImageLocation, locateImage } from "./locate-image.ts";
import { ReleaseError } from "./release-error.ts";
import type { ImageEntry } from "./release-input.ts";

/** What resolving needs. */
export interface ResolveDeps {
  readonly directory: Pick<UpstreamDirectory, "find">;
  /** The application's own manifests, by repository and tag or digest. */
  readonly ownManifest: (repository: string, reference: string) => Promise<StoredManifest | undefined>;
  /** Makes a registry client (the server's outbound guard already applied). */
  readonly createClient: (options: RegistryClientOptions) => RegistryClient;
}

/** A client for one remote location, with its credentials and transport. */
export function clientFor(deps: Pick<ResolveDeps, "createClient">, location: ImageLocation & { kind: "remote" }) {
  const host = location.ref.domain;
  return deps.createClient({
    credentials: location.credentials ? { [host]: location.credentials } : {},
    insecure: location.insecure,
  });
}

/** The images with digests; ReleaseError `source` naming the first image that cannot be resolved. */
export async function resolveImages(
  deps: ResolveDeps,
  app: string,
  entries: readonly ImageEntry[],
): Promise<ReleaseImage[]> {
  const resolved: ReleaseImage[] = [];
  for (const entry of entries) {
    const location = await locateImage(deps.directory, app, entry);
    const what = `image ${entry.name} (${entry.source}) ${entry.tag ?? entry.digest}`;
    let digest: string;
    if (location.kind === "own") {
      const found = await deps.ownManifest(location.repository, entry.digest ?? entry.tag!);
      if (found === undefined)
        throw new ReleaseError("source", `${what}: not in ${location.repository} on this server`);
      digest = found.digest;
    } else {
      const head = await clientFor(deps, location).headManifest(location.ref);
      if (!head.ok) throw new ReleaseError("source", `${what}: ${head.failure.message}`);
      digest = head.value.digest;
    }
    resolved.push({
      name: entry.name,
      source: entry.source,
      ...(entry.tag !== undefined && { tag: entry.tag }),
      digest,
    });
  }
  return resolved;
}
