/**
 * @module
 * How manifest validation fails: one kind, `manifest-invalid`, whose message
 * names the JSON path of the field at fault and what is wrong with it. The
 * parser is a protocol parser, yet it names no wire code: the HTTP edge maps
 * the kind to OCI's MANIFEST_INVALID (http/domain-error-codes.ts), and the
 * other callers (the proxy, airgap, gc) read only the message.
 */
import { DomainError } from "../errors/domain-error.ts";
import type { BoundedJsonProblem } from "../json/bounded-json-error.ts";

/** `manifest-invalid`: the document is not a manifest Wharf accepts (structure, media type, size, JSON). */
export type ManifestErrorKind = "manifest-invalid";

/** Facts for the client: which rule of the bounded JSON reader the body broke, when that was the reason. */
export interface ManifestErrorData {
  readonly problem?: BoundedJsonProblem;
}

/** A manifest refused by validation. */
export class ManifestError extends DomainError<ManifestErrorKind, ManifestErrorData> {}
