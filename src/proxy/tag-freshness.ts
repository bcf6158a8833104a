/**
 * @module
 * When each cached tag was last confirmed against its upstream. A tag
 * younger than the TTL is served from cache without asking; an older one is
 * revalidated with a HEAD. Kept in memory and bounded: a node that does not
 * know a tag (restart, another node) simply revalidates it once — the cost
 * is one HEAD, never a wrong answer.
 */

const maxEntries = 50_000;

/** The freshness record. */
export class TagFreshness {
  readonly #checked = new Map<string, { digest: string; at: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** True when `repository:tag` was confirmed to be `digest` less than the TTL before `now`. */
  isFresh(repository: string, tag: string, digest: string, now: number): boolean {
    const entry = this.#checked.get(`${repository}:${tag}`);
    return entry !== undefined && entry.digest === digest && now - entry.at < this.#ttlMs;
  }

  /** Records that the upstream confirmed `repository:tag` is `digest` at `now`. */
  confirm(repository: string, tag: string, digest: string, now: number): void {
    const key = `${repository}:${tag}`;
    this.#checked.delete(key);
    if (this.#checked.size >= maxEntries) this.#checked.delete(this.#checked.keys().next().value!);
    this.#checked.set(key, { digest, at: now });
  }
}
