/**
 * @module
 * Wraps the external-registry routes: an ExternalRegistryError
 * becomes the WharfError of its kind through the one table
 * (`http/domain-error-codes.ts`), same message; the code alone sets the
 * status. Anything else passes through.
 */
import { ExternalRegistryError } from "../../external/external-registry-error.ts";
import { wireErrorForDomain } from "../domain-error-codes.ts";

/** Runs `handle`, rethrowing an ExternalRegistryError as the WharfError of its kind (same message). */
export async function withExternalRegistryErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    throw error instanceof ExternalRegistryError ? wireErrorForDomain(error) : error;
  }
}
