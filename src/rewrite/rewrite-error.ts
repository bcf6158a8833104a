/**
 * @module
 * How the rewriter fails: one typed error whose message names the file,
 * image or option at fault and says what to change. The CLI prints the
 * message; nothing else about it is HTTP or process-specific.
 */

/** Why a rewrite cannot proceed: `input` (unreadable or invalid YAML), `images` (unverified images), `usage` (options). */
export type RewriteErrorKind = "input" | "images" | "usage";

/** A rewrite failure with a message meant for the person running it. */
export class RewriteError extends Error {
  readonly kind: RewriteErrorKind;
  constructor(kind: RewriteErrorKind, message: string) {
    super(message);
    this.name = "RewriteError";
    this.kind = kind;
  }
}
