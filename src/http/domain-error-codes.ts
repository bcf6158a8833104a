/**
 * @module
 * The one table from domain error kinds to registered wire codes. Modules
 * fail with their own typed error (AccountsError, SecretsError, DeployError,
 * RepositoryError, LicensingError, ReleaseError, ExternalRegistryError,
 * WebhookError, QuotaError, GcError, and the foundation's ManifestError and
 * DigestError, all DomainErrors); a kind means the same thing in every
 * module, so it maps to one code here, and the code alone sets the status.
 * The error's message is written as is. Its data is split: a wait and an
 * upload's progress become hints (write-error.ts turns them into
 * Retry-After, Range and Docker-Upload-UUID), the other facts the `detail`.
 */
import type { AccountsErrorKind } from "../accounts/accounts-error.ts";
import type { DeployErrorKind } from "../deploy/deploy-error.ts";
import type { DigestErrorKind } from "../digest/digest-error.ts";
import { DomainError } from "../errors/domain-error.ts";
import type { ErrorCode } from "../errors/error-codes.ts";
import { WharfError, type WharfErrorOptions } from "../errors/wharf-error.ts";
import type { ExternalRegistryErrorKind } from "../external/external-registry-error.ts";
import type { GcErrorKind } from "../gc/gc-error.ts";
import type { LicensingErrorKind } from "../licensing/licensing-error.ts";
import type { ManifestErrorKind } from "../oci/manifest-error.ts";
import type { QuotaErrorKind } from "../quota/quota-error.ts";
import type { RepositoryErrorKind } from "../registry/repository-error.ts";
import type { ReleaseErrorKind } from "../releases/release-error.ts";
import type { SecretsErrorKind } from "../secrets/secrets-error.ts";
import type { WebhookErrorKind } from "../webhooks/webhook-error.ts";

/** Every kind the table maps. */
export type MappedKind =
  | AccountsErrorKind
  | SecretsErrorKind
  | DeployErrorKind
  | RepositoryErrorKind
  | LicensingErrorKind
  | ReleaseErrorKind
  | ExternalRegistryErrorKind
  | WebhookErrorKind
  | QuotaErrorKind
  | GcErrorKind
  | ManifestErrorKind
  | DigestErrorKind;

/** Kind → registered wire code. */
export const domainErrorCodes = {
  "invalid-input": "INVALID_REQUEST",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "DENIED",
  unauthenticated: "UNAUTHORIZED",
  "rate-limited": "TOOMANYREQUESTS",
  unavailable: "UNAVAILABLE",
  // Repositories (OCI distribution-spec codes where the spec has one).
  "read-only": "UNSUPPORTED",
  "manifest-unknown": "MANIFEST_UNKNOWN",
  "blob-unknown": "BLOB_UNKNOWN",
  "name-unknown": "NAME_UNKNOWN",
  "manifest-blob-unknown": "MANIFEST_BLOB_UNKNOWN",
  "tag-invalid": "MANIFEST_INVALID",
  "manifest-invalid": "MANIFEST_INVALID",
  "tag-immutable": "DENIED",
  "digest-invalid": "DIGEST_INVALID",
  "size-invalid": "SIZE_INVALID",
  "quota-exceeded": "DENIED",
  "upload-unknown": "BLOB_UPLOAD_UNKNOWN",
  "upload-out-of-order": "BLOB_UPLOAD_RANGE_INVALID",
  "upload-length-mismatch": "BLOB_UPLOAD_INVALID",
  unauthorized: "UNAUTHORIZED",
  // Licensing, releases and external registries (older spellings of the same meanings).
  invalid: "INVALID_REQUEST",
  denied: "DENIED",
  // An image's registry failed or refused: the message names the image and the reason.
  source: "UNAVAILABLE",
} as const satisfies Record<MappedKind, ErrorCode>;

/** Facts a domain error's data may carry that the edge writes as headers rather than detail. */
interface HintData {
  readonly retryAfterSeconds?: number;
  readonly upload?: { readonly received: number; readonly id?: string };
  readonly [fact: string]: unknown;
}

function dataOptions(data: unknown): WharfErrorOptions {
  if (typeof data !== "object" || data === null) return {};
  const { retryAfterSeconds, upload, ...facts } = data as HintData;
  return {
    ...(Object.keys(facts).length > 0 && { detail: facts }),
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    ...(upload !== undefined && { upload }),
  };
}

/** The WharfError to write for `error` when it is a DomainError of a mapped kind; anything else unchanged. */
export function wireErrorForDomain(error: unknown): unknown {
  if (!(error instanceof DomainError) || !Object.hasOwn(domainErrorCodes, error.kind)) return error;
  const code: ErrorCode = domainErrorCodes[error.kind as MappedKind];
  const options = dataOptions(error.data);
  return new WharfError(code, error.message, { ...options, cause: error });
}
