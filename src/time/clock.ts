/**
 * @module
 * The time source services read instead of `Date.now()`, so tests move time
 * forward instead of sleeping. Production uses {@link systemClock}.
 */

/** Milliseconds since the Unix epoch, like `Date.now()`. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
