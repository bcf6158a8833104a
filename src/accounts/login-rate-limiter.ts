/**
 * @module
 * Brute-force protection for password logins, shared by every node through
 * the database. Failures are counted in fixed windows under three keys: the
 * client address (any account), the account from that address, and the
 * account from anywhere. Past a limit, attempts are refused with the exact
 * Retry-After until that window ends. The account-wide limit only refuses
 * addresses that have themselves failed for that account, so an attacker
 * can never lock a real user out: the user's own address stays clean, and
 * API tokens and robots (which cannot be guessed) are never limited by a
 * username's failures.
 */
import type { AccountsMetadata } from "../metadata/accounts-metadata.ts";

/** Limits for {@link createLoginRateLimiter}. */
export interface RateLimits {
  readonly windowMs: number;
  /** Failures of one account from one address. */
  readonly perAccountAddress: number;
  /** Failures of one account from all addresses (refuses only addresses that failed for it). */
  readonly perAccount: number;
  /** Failures from one address, whatever the account. */
  readonly perAddress: number;
}

/** Default: 10 per account and address, 100 per account, 30 per address, per 15 minutes. */
export const defaultRateLimits: RateLimits = {
  windowMs: 15 * 60 * 1000,
  perAccountAddress: 10,
  perAccount: 100,
  perAddress: 30,
};

/** What a check found: how long to wait (when blocked), and whether the account has failures to clear. */
export interface RateCheck {
  readonly retryAfterSeconds: number | undefined;
  readonly accountHasFailures: boolean;
}

/** The login rate limiter. */
export type LoginRateLimiter = ReturnType<typeof createLoginRateLimiter>;

/** Creates the limiter over the store's failure counters. */
export function createLoginRateLimiter(store: AccountsMetadata, limits: RateLimits = defaultRateLimits) {
  const keys = (account: string | undefined, address: string) => ({
    address: `address:${address}`,
    pair: account === undefined ? undefined : `pair:${account}|${address}`,
    account: account === undefined ? undefined : `account:${account}`,
  });

  async function wait(key: string | undefined, limit: number, now: number): Promise<number | undefined> {
    if (key === undefined) return undefined;
    const window = await store.failureWindow(key, now - limits.windowMs);
    if (!window || window.failures < limit) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + limits.windowMs - now) / 1000));
  }

  return {
    /** Whether `account` (optional) may try to log in from `address` now. */
    async check(account: string | undefined, address: string): Promise<RateCheck> {
      const now = Date.now();
      const k = keys(account, address);
      const pair = k.pair ? await store.failureWindow(k.pair, now - limits.windowMs) : undefined;
      const retryAfterSeconds =
        (await wait(k.address, limits.perAddress, now)) ??
        (await wait(k.pair, limits.perAccountAddress, now)) ??
        (pair ? await wait(k.account, limits.perAccount, now) : undefined);
      return { retryAfterSeconds, accountHasFailures: pair !== undefined };
    },
    /** Counts a failed attempt under every key it concerns. */
    async failed(account: string | undefined, address: string): Promise<void> {
      const now = Date.now();
      const k = keys(account, address);
      for (const key of [k.address, k.pair, k.account]) if (key) await store.countFailure(key, now, limits.windowMs);
    },
    /** A successful login clears its account's failures from that address. */
    async succeeded(account: string, address: string): Promise<void> {
      const k = keys(account, address);
      await store.clearFailures(k.pair!);
    },
  };
}
