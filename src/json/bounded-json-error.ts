/**
 * @module
 * The one error {@link ./parse-bounded-json.ts} raises. Its `kind` says which
 * rule the input broke, so each edge maps it to its own wire code
 * (MANIFEST_INVALID for a manifest, INVALID_REQUEST for an API body) while
 * keeping the message, which says what to change.
 */

/** Which rule a JSON document broke. */
export type BoundedJsonProblem = "bom" | "utf8" | "depth" | "entries" | "values" | "duplicate-key" | "syntax";

/** A JSON document was refused; `message` is a phrase such as "it nests deeper than 64 levels". */
export class BoundedJsonError extends Error {
  readonly kind: BoundedJsonProblem;

  constructor(kind: BoundedJsonProblem, message: string) {
    super(message);
    this.name = "BoundedJsonError";
    this.kind = kind;
  }
}
