/**
 * @module
 * Reads `Retry-After` (RFC 9110 section 10.2.3), which registries send with
 * 429 and 503: either a number of seconds or an HTTP date. Docker Hub sends
 * seconds; proxies and CDNs in front of registries sometimes send dates.
 */

/**
 * The number of whole seconds to wait, or undefined when the header is
 * absent or unreadable. A delay in seconds must be a non-negative integer
 * (`"120"`; `"1.5"`, `"-1"` and `"10s"` are unreadable). A date is measured
 * from `now` (milliseconds since the epoch) and rounded up; a date in the
 * past gives 0. No cap is applied here: the retry policy decides how long it
 * is willing to wait.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  if (!/[a-z]/i.test(text)) return undefined; // "1.5", "-1": numbers that are not delays, not dates
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
