/**
 * @module
 * When each cached tag was last checked against its upstream. A tag
 * confirmed less than the TTL ago is served from cache without asking; an
 * older one is revalidated with a HEAD. A tag served stale because the
 * upstream failed is not asked about again for a short while (at most
 * {@link staleRetryMs}), so an outage does not make every pull wait for a
 * timeout. Kept in memory and bounded: a node that does not know a tag
 * (restart, another node) simply revalidates it once — the cost is one
 * HEAD, never a wrong answer. The workers of one server (`server.workers`)
 * share their primary's record (cluster/worker-shared.ts), one round trip
 * per lookup, so a tag is revalidated once per server, not once per worker.
 */

const maxEntries = 50_000;

/** How long a stale answer stands before the upstream is tried again. */
export const staleRetryMs = 30_000;

/** What is known about a cached tag that is still current: nothing wrong, or why it is stale. */
export interface TagCheck {
  readonly stale?: string;
}

interface Entry {
  readonly digest: string;
  readonly until: number;
  readonly stale?: string;
}

/** What the proxy asks of a freshness record: {@link TagFreshness}, or a worker's stand-in for its primary's. */
export interface TagFreshnessRecord {
  check(
    repository: string,
    tag: string,
    digest: string,
    now: number,
  ): TagCheck | undefined | Promise<TagCheck | undefined>;
  confirm(repository: string, tag: string, digest: string, now: number): void;
  servedStale(repository: string, tag: string, digest: string, reason: string, now: number): void;
}

/** The freshness record. */
export class TagFreshness implements TagFreshnessRecord {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** The standing check of `repository:tag` at `digest`, or undefined when the upstream must be asked. */
  check(repository: string, tag: string, digest: string, now: number): TagCheck | undefined {
    const entry = this.#entries.get(`${repository}:${tag}`);
    if (entry === undefined || entry.digest !== digest || now >= entry.until) return undefined;
    return entry.stale === undefined ? {} : { stale: entry.stale };
  }

  /** Records that the upstream confirmed `repository:tag` is `digest` at `now`. */
  confirm(repository: string, tag: string, digest: string, now: number): void {
    this.#set(`${repository}:${tag}`, { digest, until: now + this.#ttlMs });
  }

  /** Records that `digest` was served stale at `now` because of `reason`. */
  servedStale(repository: string, tag: string, digest: string, reason: string, now: number): void {
    this.#set(`${repository}:${tag}`, { digest, until: now + Math.min(this.#ttlMs, staleRetryMs), stale: reason });
  }

  #set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (this.#entries.size >= maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, entry);
  }
}
