/**
 * @module
 * How the garbage collector refuses a request: `conflict` while a run is
 * already going on in this process. The HTTP edge maps the kind
 * (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/** `conflict`: another collection is running; wait for it to finish. */
export type GcErrorKind = "conflict";

/** A refused garbage collection. */
export class GcError extends DomainError<GcErrorKind> {}
