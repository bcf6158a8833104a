/**
 * @module
 * Error messages echo what the user wrote so they can spot the mistake, but a
 * reference can be arbitrarily long (a pasted file, a fuzzer): echoing it
 * whole would make a log line unbounded. Every message in this folder quotes
 * input through this one function.
 */

/**
 * `text` as a JSON string literal (so spaces, quotes and control characters
 * are visible), cut to `max` characters plus "…" when longer.
 */
export function quoteInput(text: string, max = 100): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
