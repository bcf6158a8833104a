/**
 * @module
 * The one table from domain error kinds to registered wire codes. Modules
 * fail with their own typed error (AccountsError, SecretsError, DeployError,
 * …, all DomainErrors); a kind means the same thing in every module, so it
 * maps to one code here, and the code alone sets the status. The error's
 * message is written as is; nothing else of it reaches the client.
 */
import type { AccountsErrorKind } from "../accounts/accounts-error.ts";
import type { DeployErrorKind } from "../deploy/deploy-error.ts";
import { DomainError } from "../errors/domain-error.ts";
import type { ErrorCode } from "../errors/error-codes.ts";
import { WharfError } from "../errors/wharf-error.ts";
import type { SecretsErrorKind } from "../secrets/secrets-error.ts";

/** Every kind the table maps. */
export type MappedKind = AccountsErrorKind | SecretsErrorKind | DeployErrorKind;

/** Kind → registered wire code. */
export const domainErrorCodes = {
  "invalid-input": "INVALID_REQUEST",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "DENIED",
  unauthenticated: "UNAUTHORIZED",
  "rate-limited": "TOOMANYREQUESTS",
} as const satisfies Record<MappedKind, ErrorCode>;

/** The WharfError to write for `error` when it is a DomainError of a mapped kind; anything else unchanged. */
export function wireErrorForDomain(error: unknown): unknown {
  if (!(error instanceof DomainError) || !Object.hasOwn(domainErrorCodes, error.kind)) return error;
  const code: ErrorCode = domainErrorCodes[error.kind as MappedKind];
  return new WharfError(code, error.message, { cause: error });
}
