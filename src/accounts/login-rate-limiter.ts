/**
 * @module
 * Brute-force protection for password logins, shared by every node through
 * the database. Attempts are counted in fixed windows under three keys: the
 * client address (any account), the account from that address, and the
 * account from anywhere. An attempt is counted *before* its password is
 * checked ({@link LoginRateLimiter.reserve}, one atomic step that refuses
 * once a limit is reached) and taken back when the password was right, so a
 * burst of any size gets at most the configured number of guesses checked
 * per window. Past a limit, attempts are refused with the exact Retry-After
 * until that window ends. The account-wide limit only refuses addresses that
 * have themselves failed for that account, so an attacker can never lock a
 * real user out: the user's own address stays clean, and API tokens and
 * robots (which cannot be guessed) are never limited by a username's failures.
 */
import type { LoginLimitStore } from "../metadata/accounts-metadata.ts";
import { type Clock, systemClock } from "../time/clock.ts";

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

/** What a read-only check found: how long to wait (when blocked), and whether the account has failures to clear. */
export interface RateCheck {
  readonly retryAfterSeconds: number | undefined;
  readonly accountHasFailures: boolean;
}

/** A counted attempt, to hand back to `succeeded` when the password was right. */
export interface Reservation {
  readonly account: string;
  readonly address: string;
}

/** The outcome of {@link LoginRateLimiter.reserve}. */
export type ReserveResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly retryAfterSeconds: number };

type Window = { failures: number; startedAt: number } | undefined;

/** The login rate limiter. */
export type LoginRateLimiter = ReturnType<typeof createLoginRateLimiter>;

/** Creates the limiter over the store's failure counters; `clock` is the time source. */
export function createLoginRateLimiter(
  store: LoginLimitStore,
  limits: RateLimits = defaultRateLimits,
  clock: Clock = systemClock,
) {
  const keys = (account: string, address: string) => ({
    address: `address:${address}`,
    pair: `pair:${account}|${address}`,
    account: `account:${account}`,
  });

  /** Seconds until `window` ends when it is at `limit`; undefined while under it. */
  function wait(window: Window, limit: number, now: number): number | undefined {
    if (!window || window.failures < limit) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + limits.windowMs - now) / 1000));
  }

  function refusal(address: Window, pair: Window, account: Window, now: number): number | undefined {
    return (
      wait(address, limits.perAddress, now) ??
      wait(pair, limits.perAccountAddress, now) ??
      (pair && pair.failures > 0 ? wait(account, limits.perAccount, now) : undefined)
    );
  }

  return {
    /**
     * Counts an attempt of `account` from `address` unless a limit is
     * reached — atomically, so concurrent attempts can never pass a limit
     * together. Call before checking the password; on success pass the
     * reservation to {@link succeeded}, on failure do nothing (it stays counted).
     */
    async reserve(account: string, address: string): Promise<ReserveResult> {
      const now = clock.now();
      const k = keys(account, address);
      const retryAfterSeconds = await store.reserveAttempt(
        [k.address, k.pair, k.account],
        now,
        limits.windowMs,
        ([a, p, c]) => refusal(a, p, c, now),
      );
      if (retryAfterSeconds !== undefined) return { ok: false, retryAfterSeconds };
      return { ok: true, reservation: { account, address } };
    },

    /** Whether `account` may log in from `address` now, without counting anything (for already-verified passwords). */
    async check(account: string, address: string): Promise<RateCheck> {
      const now = clock.now();
      const k = keys(account, address);
      const since = now - limits.windowMs;
      const [a, p, c] = await Promise.all([
        store.failureWindow(k.address, since),
        store.failureWindow(k.pair, since),
        store.failureWindow(k.account, since),
      ]);
      return { retryAfterSeconds: refusal(a, p, c, now), accountHasFailures: p !== undefined && p.failures > 0 };
    },

    /**
     * A successful login: takes back its reservation (when it made one) and
     * clears its account's failures from that address.
     */
    async succeeded(account: string, address: string, reservation?: Reservation): Promise<void> {
      const k = keys(account, address);
      await store.clearFailures(k.pair);
      if (reservation) await store.releaseAttempt([k.address, k.account]);
    },
  };
}
