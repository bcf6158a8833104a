/**
 * @module
 * Durations and points in time as people type them: `90s`, `15m`, `12h`,
 * `30d`, `8w`, `1y` — for token expiry and the audit log's `since`.
 */
import { AccountsError } from "./accounts-error.ts";

const unitMs: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Milliseconds in `text` (`<number><s|m|h|d|w|y>`); `invalid-input` naming `what` otherwise. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d{1,6})([smhdwy])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * unitMs[match[2]!]! : 0;
  if (ms <= 0) {
    throw new AccountsError(
      "invalid-input",
      `${what} ${JSON.stringify(text.slice(0, 40))} is not a duration; write e.g. 30d, 12h, 15m`,
    );
  }
  return ms;
}

/** The epoch ms that `text` means: an ISO 8601 time, or a duration back from `now` (`24h`). */
export function parseSince(text: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) {
      throw new AccountsError("invalid-input", `since ${JSON.stringify(text.slice(0, 40))} is not a valid ISO time`);
    }
    return at;
  }
  return now - parseDuration(text, "since");
}
