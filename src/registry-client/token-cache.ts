/**
 * @module
 * Bearer tokens cached per key (host, service and scope) until shortly
 * before they expire. Pulling one image means a manifest and a dozen blobs
 * under the same scope, often in parallel; without a cache — and without
 * sharing the request that is already in flight — each of them would ask
 * the token server again, and Docker Hub counts those requests.
 */
import type { RegistryResult } from "./registry-result.ts";
import type { IssuedToken } from "./token-request.ts";

interface Entry {
  readonly pending: Promise<RegistryResult<IssuedToken>>;
  /** Milliseconds since the epoch after which the token is not handed out; Infinity while pending. */
  usableUntil: number;
  token?: string;
}

const sweepThreshold = 512;

/** A token's last 10 s (or last half, for short-lived tokens) are not used: requests take time. */
function safetyMarginMs(lifetimeMs: number): number {
  return Math.min(10_000, lifetimeMs / 2);
}

/** A cache of token requests. Failures are not cached. */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  /** `now` is injectable so expiry can be tested without waiting. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * The token for `key`: the cached one while usable, the request already
   * in flight if there is one, or a new request made with `fetchToken`.
   * `staleToken` is a token the registry just rejected: if it is the cached
   * one, it is dropped and a new one fetched (a token another caller
   * already refreshed is reused instead).
   */
  get(
    key: string,
    fetchToken: () => Promise<RegistryResult<IssuedToken>>,
    staleToken?: string,
  ): Promise<RegistryResult<IssuedToken>> {
    const entry = this.#entries.get(key);
    const stale = entry !== undefined && staleToken !== undefined && entry.token === staleToken;
    if (entry !== undefined && !stale && this.#now() < entry.usableUntil) return entry.pending;
    return this.#start(key, fetchToken);
  }

  #start(key: string, fetchToken: () => Promise<RegistryResult<IssuedToken>>): Promise<RegistryResult<IssuedToken>> {
    if (this.#entries.size >= sweepThreshold) this.#sweep();
    const pending = fetchToken();
    const entry: Entry = { pending, usableUntil: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    pending.then((result) => {
      if (this.#entries.get(key) !== entry) return;
      if (!result.ok) {
        this.#entries.delete(key);
        return;
      }
      const lifetimeMs = result.value.expiresInSeconds * 1000;
      entry.usableUntil = this.#now() + lifetimeMs - safetyMarginMs(lifetimeMs);
      entry.token = result.value.token;
    });
    return pending;
  }

  /** Drops expired entries, so a proxy touching thousands of repositories does not grow forever. */
  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.usableUntil <= now) this.#entries.delete(key);
    }
  }
}
