/**
 * @module
 * The local repository: blobs, manifests and uploads stored by this
 * registry, over the blob, manifest and upload services. Behaviour is
 * exactly that of the services; this only binds them to one name.
 */
import type { BlobService } from "./blob-service.ts";
import type { ManifestService } from "./manifest-service.ts";
import type { Repository } from "./repository.ts";
import type { UploadService } from "./upload-service.ts";

/** The services local repositories are made of. */
export interface LocalRepositoryServices {
  readonly blobs: BlobService;
  readonly manifests: ManifestService;
  readonly uploads: UploadService;
}

/** A factory of local repositories by name. */
export function createLocalRepositories({ blobs, manifests, uploads }: LocalRepositoryServices) {
  return (name: string): Repository => ({
    name,
    blobs: {
      stat: (digest) => blobs.stat(name, digest),
      async open(digest) {
        const { size } = await blobs.stat(name, digest);
        return { size, read: (range) => blobs.open(name, digest, range) };
      },
      delete: (digest) => blobs.delete(name, digest),
      redirect: (digest) => blobs.redirect(digest),
      offload: (digest) => blobs.offload(digest),
    },
    manifests: {
      get: (reference) => manifests.get(name, reference),
      put: (reference, body, contentType) => manifests.put(name, reference, body, contentType),
      delete: (reference) => manifests.delete(name, reference),
    },
    tags: async (last, limit) => ({ tags: await manifests.tags(name, last, limit) }),
    referrers: (subject, artifactType) => manifests.referrers(name, subject, artifactType),
    uploads: {
      start: (owner) => uploads.start(name, owner),
      status: (id) => uploads.status(name, id),
      append: (id, owner, body, range, length) => uploads.append(name, id, owner, body, range, length),
      complete: (id, owner, digest, body, length, range) =>
        uploads.complete(name, id, owner, digest, body, length, range),
      monolithic: (digest, body, length) => uploads.monolithic(name, digest, body, length),
      cancel: (id) => uploads.cancel(name, id),
      mount: (digest, from, canPull) => blobs.mount(name, digest, from, canPull),
    },
  });
}
