/**
 * @module
 * Licensing's side of the accounts seam (`accounts/license-authority.ts`):
 * a license id authenticates as itself — the password is the id, the
 * username the id too or the customer's e-mail address (as `helm registry
 * login` users expect) — and is looked up by its hash; a license principal is re-read by row
 * id whenever a request presents a token for it, so revocation and expiry
 * (against the injected clock) take effect on the very next request.
 */
import type { LicenseAuthority, LicensePrincipal } from "../accounts/license-authority.ts";
import type { CustomerStore, LicenseRow, LicenseStore } from "../metadata/licensing-metadata.ts";
import { hashLicenseId, licenseIdMatches, looksLikeLicenseId } from "./license-id.ts";
import type { LicensePolicy } from "./license-policy.ts";

/** What the authority needs. */
export interface LicenseAuthorityDeps {
  readonly store: Pick<LicenseStore, "findLicenseByHash" | "findLicenseById"> & Pick<CustomerStore, "findCustomer">;
  readonly policy: LicensePolicy;
  /** Milliseconds since the epoch (injected so tests need not wait for an expiry). */
  readonly clock: () => number;
}

/** True when the license may be used at `now`: not revoked, not expired. */
export function licenseActive(row: Pick<LicenseRow, "revokedAt" | "expiresAt">, now: number): boolean {
  return row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now);
}

function principalOf(row: LicenseRow): LicensePrincipal {
  return {
    kind: "license",
    name: `license:${row.customer}`,
    licenseId: row.id,
    publicId: row.publicId,
    customer: row.customer,
    appSlug: row.appSlug,
    entitlements: row.entitlements,
    channel: row.channel,
  };
}

/** Creates the authority. */
export function createLicenseAuthority(deps: LicenseAuthorityDeps): LicenseAuthority {
  const isCustomerEmail = async (row: LicenseRow, username: string): Promise<boolean> => {
    if (!username.includes("@")) return false;
    const email = (await deps.store.findCustomer(row.appSlug, row.customer))?.email;
    return email !== null && email !== undefined && email.toLowerCase() === username.trim().toLowerCase();
  };
  return {
    recognizes: looksLikeLicenseId,
    async authenticate(username, secret) {
      if (!looksLikeLicenseId(secret)) return undefined;
      const row = await deps.store.findLicenseByHash(hashLicenseId(secret));
      if (!row || !licenseIdMatches(secret, row.secretHash)) return undefined;
      // The username is the id too (compared by hash, in constant time), or the customer's e-mail address.
      if (!licenseIdMatches(username, row.secretHash) && !(await isCustomerEmail(row, username))) return undefined;
      return licenseActive(row, deps.clock()) ? principalOf(row) : undefined;
    },
    async principalOf(id) {
      const row = await deps.store.findLicenseById(id);
      return row && licenseActive(row, deps.clock()) ? principalOf(row) : undefined;
    },
    canPull: (principal, repository) => deps.policy(principal, repository),
  };
}
