/**
 * @module
 * Pull events, aggregated: a pulled manifest is counted per repository and
 * digest, and once per window (`webhooks.pullWindow`, by the injected clock)
 * each pair that was pulled becomes one `pull` event with its count, the
 * tags it was pulled by (at most 20) and the window's bounds — never one
 * POST per pull. At most 10 000 pairs are counted per window (more are
 * counted in `dropped` of the next flush). Pending counts are flushed at
 * shutdown.
 */
import type { WebhookEvent } from "./webhook-event.ts";

interface Tally {
  count: number;
  readonly tags: Set<string>;
}

const maxPairs = 10_000;
const maxTags = 20;

/** Creates the aggregator; `publish` receives one event per pair per window. */
export function createPullAggregator(windowMs: number, clock: () => number, publish: (e: WebhookEvent) => void) {
  let tallies = new Map<string, Tally>();
  let windowStart: number | undefined;
  let dropped = 0;

  function flush(): void {
    if (windowStart === undefined) return;
    const from = new Date(windowStart).toISOString();
    const to = new Date(clock()).toISOString();
    const done = tallies;
    const lost = dropped;
    tallies = new Map();
    windowStart = undefined;
    dropped = 0;
    for (const [key, tally] of done) {
      const at = key.lastIndexOf("@");
      publish({
        type: "pull",
        repository: key.slice(0, at),
        digest: key.slice(at + 1),
        count: tally.count,
        tags: [...tally.tags],
        from,
        to,
        ...(lost > 0 && { dropped: lost }),
      });
    }
  }

  function tick(): void {
    if (windowStart !== undefined && clock() - windowStart >= windowMs) flush();
  }

  const timer = setInterval(tick, Math.min(windowMs, 1000)).unref();

  return {
    /** Counts one pull of manifest `digest` of `repository`, asked for by `reference` (a tag or the digest). */
    record(repository: string, digest: string, reference: string): void {
      tick();
      windowStart ??= clock();
      const key = `${repository}@${digest}`;
      let tally = tallies.get(key);
      if (!tally) {
        if (tallies.size >= maxPairs) {
          dropped++;
          return;
        }
        tally = { count: 0, tags: new Set() };
        tallies.set(key, tally);
      }
      tally.count++;
      if (reference !== digest && tally.tags.size < maxTags) tally.tags.add(reference);
    },
    /** Publishes the window now if it has ended (the timer calls it too). */
    tick,
    /** Publishes what was counted and stops the timer. */
    close(): void {
      clearInterval(timer);
      flush();
    },
  };
}
