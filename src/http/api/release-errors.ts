/**
 * @module
 * Wraps the releases routes: a ReleaseError
 * becomes the WharfError of its kind through the one table
 * (`http/domain-error-codes.ts`), same message; the code alone sets the
 * status. Anything else passes through.
 */
import { ReleaseError } from "../../releases/release-error.ts";
import { wireErrorForDomain } from "../domain-error-codes.ts";

/** Runs `handle`, rethrowing a ReleaseError as the WharfError of its kind. */
export async function withReleaseErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    throw error instanceof ReleaseError ? wireErrorForDomain(error) : error;
  }
}
