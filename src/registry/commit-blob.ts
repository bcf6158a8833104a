/**
 * @module
 * Putting verified bytes in place as a blob, safely against the online
 * garbage collector: the blob's row is reserved (its last reference time
 * raised) before the file is moved, and linked after. A collector claims a
 * blob only when its last reference is older than the grace window, so it
 * cannot claim one between our reservation and our link; when the collector
 * holds a claim already (it is deleting that blob's file now), we wait for
 * it to finish and write the file afresh.
 */
import { setTimeout as pause } from "node:timers/promises";
import type { Digest } from "../digest/digest.ts";
import type { BlobLinks } from "../metadata/registry-metadata.ts";
import { blobDataPath } from "../storage/blob-paths.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { RepositoryError } from "./repository-error.ts";

const attempts = 40;
const waitMs = 250;

function beingCollected(digest: Digest): RepositoryError {
  return new RepositoryError(
    "unavailable",
    `blob ${digest.value} is being deleted by the garbage collector right now; push it again in a minute`,
  );
}

/**
 * Moves the object at `from` to the blob's path and links the blob into
 * `repository`; `synced` when `from`'s bytes are on disk already. Throws UNAVAILABLE when the collector kept its claim for
 * longer than about ten seconds (a collector that crashed mid-batch: the next
 * `wharf gc` finishes it).
 */
export async function commitBlob(
  driver: StorageDriver,
  links: BlobLinks,
  repository: string,
  from: string,
  digest: Digest,
  size: number,
  synced = false,
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (!(await links.reserveBlob(digest.value, size))) {
      await pause(waitMs);
      continue;
    }
    await driver.move(from, blobDataPath(digest), { synced });
    if (await links.linkBlob(repository, digest.value, size)) return;
  }
  throw beingCollected(digest);
}
