/**
 * @module
 * The one table that turns the licensing services' error kinds into
 * registered wire codes; the code alone sets the status.
 */

import type { ErrorCode } from "../../errors/error-codes.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { LicensingError, type LicensingErrorKind } from "../../licensing/licensing-error.ts";

const codes: Record<LicensingErrorKind, ErrorCode> = {
  "not-found": "NOT_FOUND",
  invalid: "INVALID_REQUEST",
  conflict: "CONFLICT",
  denied: "DENIED",
};

/** Runs `handle`, rethrowing a LicensingError as the WharfError of its kind. */
export async function withLicensingErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof LicensingError) throw new WharfError(codes[error.kind], error.message, { cause: error });
    throw error;
  }
}
