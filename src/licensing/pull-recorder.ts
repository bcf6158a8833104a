/**
 * @module
 * The per-license pull audit: the registry pipeline reports every manifest
 * and blob it served, and the recorder keeps those of license principals —
 * which license pulled which image and digest, when, from where, how many
 * bytes. Records are buffered and written in one transaction per second (or
 * per 200), so the hot path pays nothing measurable; readers flush first, so
 * this node's latest pulls are always in a listing.
 */
import type { Principal } from "../accounts/access.ts";
import type { Logger } from "../log/create-logger.ts";
import { createBatchedWriter } from "../metadata/batched-writer.ts";
import type { LicensePull, LicensePullStore } from "../metadata/licensing-metadata.ts";

/** One manifest or blob the registry served, as the pipeline reports it. */
export interface ServedPull {
  readonly subject: Principal;
  readonly repository: string;
  /** The tag or digest in the request path. */
  readonly reference: string;
  /** The digest served, when known. */
  readonly digest: string | undefined;
  readonly kind: "manifest" | "blob" | "bundle";
  readonly bytes: number;
  readonly remote: string | undefined;
}

/** The recorder. */
export type PullRecorder = ReturnType<typeof createPullRecorder>;

/** Creates the buffered recorder over the store. */
export function createPullRecorder(store: LicensePullStore, log: Pick<Logger, "error">, clock: () => number) {
  const writer = createBatchedWriter<LicensePull>(
    (batch) => store.appendPulls(batch),
    (error, pulls) => log.error({ err: error, pulls }, "could not write license pull records"),
  );
  return {
    /** Records `pull` when a license made it (anything else is ignored). */
    record(pull: ServedPull): void {
      if (pull.subject.kind !== "license") return;
      writer.push({
        licenseId: pull.subject.licenseId,
        at: clock(),
        repository: pull.repository,
        reference: pull.reference,
        digest: pull.digest ?? null,
        kind: pull.kind,
        bytes: pull.bytes,
        remote: pull.remote ?? null,
      });
    },
    /** Writes everything recorded so far. */
    flush: writer.flush,
    /** Flushes and stops the timer (shutdown). */
    close: writer.close,
  };
}
