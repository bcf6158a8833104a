/**
 * @module
 * How bundle work fails: one typed error whose message says what is wrong
 * with the bundle or the registry and what to do. `corrupt` (a byte does not
 * match its digest, a blob is missing, the tar is cut short), `incomplete`
 * (a delta whose base is not in the target registry), `source` (an image
 * could not be read), `target` (the customer's registry refused a push),
 * `usage` (options).
 */

/** Why bundle work stopped. */
export type BundleErrorKind = "corrupt" | "incomplete" | "source" | "target" | "usage";

/** A bundle failure with a message for the person running it. */
export class BundleError extends Error {
  readonly kind: BundleErrorKind;
  constructor(kind: BundleErrorKind, message: string) {
    super(message);
    this.name = "BundleError";
    this.kind = kind;
  }
}
