/**
 * @module
 * The one place the external-registry module's failures become wire codes:
 * each ExternalRegistryError kind maps to a registered code, whose status
 * the code alone decides. Anything else passes through unchanged.
 */

import type { ErrorCode } from "../../errors/error-codes.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { ExternalRegistryError, type ExternalRegistryErrorKind } from "../../external/external-registry-error.ts";

const wireCodes = {
  invalid: "INVALID_REQUEST",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
} as const satisfies Record<ExternalRegistryErrorKind, ErrorCode>;

/** Runs `handle`, rethrowing an ExternalRegistryError as the WharfError of its kind (same message). */
export async function withExternalRegistryErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof ExternalRegistryError)) throw error;
    throw new WharfError(wireCodes[error.kind], error.message, { cause: error });
  }
}
