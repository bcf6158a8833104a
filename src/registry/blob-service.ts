/**
 * @module
 * Reading, deleting and mounting blobs. A blob is served only from a
 * repository it was pushed or mounted into: a digest alone never grants
 * access across repositories or tenants.
 */

import type { Readable } from "node:stream";
import type { Digest } from "../digest/digest.ts";
import type { BlobLinks } from "../metadata/registry-metadata.ts";
import { blobDataPath } from "../storage/blob-paths.ts";
import { PathNotFoundError, type ReadRange, type StorageDriver } from "../storage/storage-driver.ts";
import type { BlobOffload } from "./blob-offload.ts";
import { RepositoryError } from "./repository-error.ts";

/** Answers whether the caller may pull from a repository (the mount rule). */
export type CanPull = (repository: string) => Promise<boolean>;

const mountCandidates = 50;

function unknownBlob(repository: string, digest: Digest): RepositoryError {
  return new RepositoryError("blob-unknown", `blob ${digest.value} is not in repository ${repository}`, {
    digest: digest.value,
  });
}

/** The blob service. */
export type BlobService = ReturnType<typeof createBlobService>;

/** Options of the blob service. */
export interface BlobServiceOptions {
  /** When set, {@link BlobService.redirect} hands out presigned URLs valid this long (`storage.redirect`). */
  readonly redirectTtlMs?: number;
  /** When set, {@link BlobService.offload} names blobs for the proxy in front (`storage.filesystem.offload`, blob-offload.ts). */
  readonly offload?: (digest: Digest) => BlobOffload;
  /** Refuses a mount its namespace has no room for (quota/create-quotas.ts); none by default. */
  readonly checkQuota?: (repository: string, digest: string, size: number) => Promise<void>;
}

/** Creates the blob service over a driver and the blob links. */
export function createBlobService(driver: StorageDriver, links: BlobLinks, options: BlobServiceOptions = {}) {
  const { redirectTtlMs, offload } = options;
  const presign = redirectTtlMs === undefined ? undefined : driver.presignedUrl;
  return {
    /** The blob's size in `repository`; `blob-unknown` when it is not linked there. */
    async stat(repository: string, digest: Digest): Promise<{ size: number }> {
      const linked = await links.linkedBlob(repository, digest.value);
      if (!linked) throw unknownBlob(repository, digest);
      return linked;
    },

    /** A stream of the blob's bytes (or a range of them). */
    async open(repository: string, digest: Digest, range?: ReadRange): Promise<Readable> {
      try {
        return await driver.read(blobDataPath(digest), range);
      } catch (error) {
        if (error instanceof PathNotFoundError) throw unknownBlob(repository, digest);
        throw error;
      }
    },

    /**
     * A URL to send the client to for the blob's bytes instead of streaming
     * them, or undefined (redirects off, or a driver that cannot). Call it
     * only after {@link stat} granted the blob in the repository.
     */
    async redirect(digest: Digest): Promise<string | undefined> {
      return presign ? presign(blobDataPath(digest), redirectTtlMs!) : undefined;
    },

    /**
     * How the reverse proxy serves the blob's file (X-Accel-Redirect URI or
     * X-Sendfile path), or undefined when offload is off. Call it only after
     * {@link stat} granted the blob in the repository.
     */
    offload(digest: Digest): BlobOffload | undefined {
      return offload?.(digest);
    },

    /** Unlinks the blob from `repository`; `blob-unknown` when it was not linked. */
    async delete(repository: string, digest: Digest): Promise<void> {
      if (!(await links.unlinkBlob(repository, digest.value))) throw unknownBlob(repository, digest);
    },

    /**
     * Links a blob stored elsewhere into `repository`. With `from`, only from
     * that repository; without, from any repository linking it. Either way
     * only from a repository `canPull` allows. Returns false when nothing was
     * mountable (the caller then starts an ordinary upload).
     */
    async mount(repository: string, digest: Digest, from: string | undefined, canPull: CanPull): Promise<boolean> {
      const sources = from === undefined ? await links.repositoriesLinking(digest.value, mountCandidates) : [from];
      for (const source of sources) {
        const linked = await links.linkedBlob(source, digest.value);
        if (!linked || !(await canPull(source))) continue;
        if (!(await driver.stat(blobDataPath(digest)))) return false;
        await options.checkQuota?.(repository, digest.value, linked.size);
        // False while the garbage collector deletes the blob: the client uploads it instead.
        return links.linkBlob(repository, digest.value, linked.size);
      }
      return false;
    },
  };
}
