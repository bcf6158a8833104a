/**
 * @module
 * What a long bundle operation tells its watcher: bytes and blobs done of
 * the total. The CLI draws it as a progress line on a terminal and as JSON
 * lines otherwise; library callers may ignore it.
 */

/** Receives progress; every method is optional work for the watcher. */
export interface BundleProgress {
  /** The work ahead: total bytes and blobs (already-done work counts as done at once). */
  start(totalBytes: number, totalBlobs: number, doneBytes: number, doneBlobs: number): void;
  /** `bytes` more were moved. */
  advance(bytes: number): void;
  /** One more blob finished. */
  blobDone(): void;
  /** All done. */
  finish(): void;
}

/** A watcher that ignores everything. */
export const silentProgress: BundleProgress = {
  start: () => undefined,
  advance: () => undefined,
  blobDone: () => undefined,
  finish: () => undefined,
};
