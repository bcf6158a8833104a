/**
 * @module
 * Text that came from another server (an OCI error body's message, a
 * certificate's names inside a TLS error) on its way into a message a user
 * reads — a CLI line, a JSON answer, a log. Another server's words must not
 * be able to forge lines, move a terminal's cursor, reverse text direction,
 * or fill the answer: so control and format characters go, whitespace
 * collapses, and the length is capped.
 */

/** C0/C1 controls, DEL, format characters (bidi overrides, zero-width), line and paragraph separators. */
const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/**
 * `text` made safe to show: unsafe characters become a space, runs of
 * whitespace one space, outer whitespace trimmed, and at most `max`
 * characters (code points), the last replaced by "…" when cut.
 */
export function upstreamText(text: string, max: number): string {
  const clean = text.replace(unsafe, " ").replace(/\s+/g, " ").trim();
  const points = [...clean];
  return points.length <= max ? clean : `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}
