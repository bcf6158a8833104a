/**
 * @module
 * Brute-force protection for password logins, shared by every node through
 * the database. Failures are counted per account and per client address in
 * fixed windows; past the limit, further attempts are refused with a
 * Retry-After until the window ends. A window never outlives its length, so
 * an attacker can delay a real user's password login by at most one window,
 * never lock them out for good — and API tokens and robots, which cannot be
 * guessed, are never limited by a username's failures.
 */
import type { AccountsMetadata } from "../metadata/accounts-metadata.ts";

/** Limits for {@link createLoginRateLimiter}. */
export interface RateLimits {
  readonly windowMs: number;
  readonly perAccount: number;
  readonly perAddress: number;
}

/** Default: 10 failures per account, 30 per address, per 15 minutes. */
export const defaultRateLimits: RateLimits = { windowMs: 15 * 60 * 1000, perAccount: 10, perAddress: 30 };

/** The login rate limiter. */
export type LoginRateLimiter = ReturnType<typeof createLoginRateLimiter>;

/** Creates the limiter over the store's failure counters. */
export function createLoginRateLimiter(store: AccountsMetadata, limits: RateLimits = defaultRateLimits) {
  const accountKey = (name: string) => `account:${name}`;
  const addressKey = (address: string) => `address:${address}`;
  const retryAfterSeconds = () => Math.ceil(limits.windowMs / 1000);

  return {
    /** Seconds to wait when `account` or `address` is over its limit, else undefined. */
    async blocked(account: string | undefined, address: string): Promise<number | undefined> {
      const windowStart = Date.now() - limits.windowMs;
      if ((await store.failuresSince(addressKey(address), windowStart)) >= limits.perAddress)
        return retryAfterSeconds();
      if (account && (await store.failuresSince(accountKey(account), windowStart)) >= limits.perAccount) {
        return retryAfterSeconds();
      }
      return undefined;
    },
    /** Counts a failed attempt against both keys. */
    async failed(account: string | undefined, address: string): Promise<void> {
      const now = Date.now();
      await store.countFailure(addressKey(address), now, limits.windowMs);
      if (account) await store.countFailure(accountKey(account), now, limits.windowMs);
    },
    /** A successful login clears its account's failures. */
    async succeeded(account: string): Promise<void> {
      await store.clearFailures(accountKey(account));
    },
  };
}
