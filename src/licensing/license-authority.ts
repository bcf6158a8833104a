/**
 * @module
 * Licensing's side of the accounts seam (`accounts/license-authority.ts`):
 * a license id authenticates as itself — username and password are both the
 * id — and is looked up by its hash; a license principal is re-read by row
 * id whenever a request presents a token for it, so revocation and expiry
 * (against the injected clock) take effect on the very next request.
 */
import type { LicenseAuthority, LicensePrincipal } from "../accounts/license-authority.ts";
import type { LicenseRow, LicenseStore } from "../metadata/licensing-metadata.ts";
import { hashLicenseId, licenseIdMatches, looksLikeLicenseId } from "./license-id.ts";
import type { LicensePolicy } from "./license-policy.ts";

/** What the authority needs. */
export interface LicenseAuthorityDeps {
  readonly store: Pick<LicenseStore, "findLicenseByHash" | "findLicenseById">;
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
  return {
    recognizes: looksLikeLicenseId,
    async authenticate(username, secret) {
      if (!looksLikeLicenseId(secret)) return undefined;
      const row = await deps.store.findLicenseByHash(hashLicenseId(secret));
      // The username must be the id too; compared by hash, in constant time.
      if (!row || !licenseIdMatches(secret, row.secretHash) || !licenseIdMatches(username, row.secretHash)) {
        return undefined;
      }
      return licenseActive(row, deps.clock()) ? principalOf(row) : undefined;
    },
    async principalOf(id) {
      const row = await deps.store.findLicenseById(id);
      return row && licenseActive(row, deps.clock()) ? principalOf(row) : undefined;
    },
    canPull: (principal, repository) => deps.policy(principal, repository),
  };
}
