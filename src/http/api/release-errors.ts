/**
 * @module
 * The one table that turns the releases services' error kinds into
 * registered wire codes; the code alone sets the status.
 */
import type { ErrorCode } from "../../errors/error-codes.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { ReleaseError, type ReleaseErrorKind } from "../../releases/release-error.ts";

const codes: Record<ReleaseErrorKind, ErrorCode> = {
  "not-found": "NOT_FOUND",
  invalid: "INVALID_REQUEST",
  conflict: "CONFLICT",
  denied: "DENIED",
  // An image's registry failed or refused: the message names the image and the reason.
  source: "UNAVAILABLE",
};

/** Runs `handle`, rethrowing a ReleaseError as the WharfError of its kind. */
export async function withReleaseErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof ReleaseError) throw new WharfError(codes[error.kind], error.message, { cause: error });
    throw error;
  }
}
