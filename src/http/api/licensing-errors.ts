/**
 * @module
 * Wraps the licensing routes: a LicensingError
 * becomes the WharfError of its kind through the one table
 * (`http/domain-error-codes.ts`), same message; the code alone sets the
 * status. Anything else passes through.
 */
import { LicensingError } from "../../licensing/licensing-error.ts";
import { wireErrorForDomain } from "../domain-error-codes.ts";

/** Runs `handle`, rethrowing a LicensingError as the WharfError of its kind. */
export async function withLicensingErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    throw error instanceof LicensingError ? wireErrorForDomain(error) : error;
  }
}
