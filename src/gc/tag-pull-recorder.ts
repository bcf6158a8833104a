/**
 * @module
 * Records when each tag was last pulled, for retention's
 * `keepPulledWithin`, without a write per pull: pulls by tag are buffered
 * (the batched writer: once a second or per 200 distinct tags), only the
 * latest of each tag is kept (a tag pulled 5 000 times in that second is one
 * row to write), all in one transaction. Pulls by digest
 * are not a tag's. A crash loses at most the last second of pull times,
 * which only makes retention keep a tag for less long.
 */
import type { Logger } from "../log/create-logger.ts";
import { createBatchedWriter } from "../metadata/batched-writer.ts";
import type { TagPull, TagPullStore } from "../metadata/gc-metadata.ts";

/** The recorder. */
export interface TagPullRecorder {
  /** Notes a manifest GET of `reference` in `repository` (digests are ignored). */
  record(repository: string, reference: string): void;
  /** Writes what is buffered (the collector calls it before reading pull times). */
  flush(): Promise<void>;
  /** Flushes and stops (shutdown). */
  close(): Promise<void>;
}

/** Creates the recorder over `store`; `now` stamps pulls. */
export function createTagPullRecorder(store: TagPullStore, log: Logger, now: () => number = Date.now): TagPullRecorder {
  const writer = createBatchedWriter<TagPull>(
    (batch) => store.recordTagPulls(batch),
    (error, count) => log.warn({ err: error, pulls: count }, "could not record tag pull times"),
    { keyOf: (pull) => `${pull.repository}\n${pull.tag}` },
  );
  return {
    record(repository, reference) {
      if (reference.includes(":")) return;
      writer.push({ repository, tag: reference, at: now() });
    },
    flush: writer.flush,
    close: writer.close,
  };
}
