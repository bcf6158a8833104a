/**
 * @module
 * The application's own images as the bundle writer reads them: the three
 * registry-client reads it uses (manifest, referrers, blob) answered from
 * this server's repositories directly — no loopback HTTP, no credentials to
 * mint, no outbound rule to open for ourselves. Blobs are still checked
 * against their digest on the way out, as the network client does, so a
 * corrupt file in storage fails the build instead of landing in a bundle.
 */
import { parseDigest } from "../digest/digest.ts";
import type { Repository } from "../registry/repository.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import { verifiedDownload } from "../registry-client/get-blob.ts";
import { failed, success } from "../registry-client/registry-result.ts";

/** Opens a local repository by name. */
export type LocalRepositories = (name: string) => Repository | Promise<Repository>;

/** The reads planBundle and writeBundle make, over local repositories. */
export type LocalSource = Pick<RegistryClient, "getManifest" | "listReferrers" | "getBlob">;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the local source. Failures are `not-found` results carrying the registry's message. */
export function createLocalSource(repositories: LocalRepositories): LocalSource {
  return {
    async getManifest(ref) {
      try {
        const repository = await repositories(ref.path);
        const reference = ref.digest !== undefined ? { digest: parseDigest(ref.digest) } : { tag: ref.tag ?? "latest" };
        const manifest = await repository.manifests.get(reference);
        return success({ bytes: manifest.content, mediaType: manifest.mediaType, digest: manifest.digest });
      } catch (error) {
        return failed("not-found", `${ref.path}: ${reason(error)}`);
      }
    },
    async listReferrers(repo, digest) {
      try {
        const rows = await (await repositories(repo.path)).referrers(parseDigest(digest), undefined);
        return success(
          rows.map((row) => ({
            mediaType: row.mediaType,
            digest: row.digest,
            size: row.size,
            ...(row.artifactType !== undefined && { artifactType: row.artifactType }),
          })),
        );
      } catch (error) {
        return failed("not-found", `${repo.path}: ${reason(error)}`);
      }
    },
    async getBlob(repo, digest) {
      try {
        const parsed = parseDigest(digest);
        const opened = await (await repositories(repo.path)).blobs.open(parsed);
        return success(verifiedDownload(await opened.read(), parsed, opened.size, `${repo.path}@${digest}`));
      } catch (error) {
        return failed("not-found", `${repo.path}@${digest}: ${reason(error)}`);
      }
    },
  };
}
