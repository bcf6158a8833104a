/**
 * @module
 * Who manages an application's customers and licenses: the owners and
 * admin-team members of the organization that owns the application, and
 * server administrators (the namespace-manager rule of the accounts
 * services). Members with only read or write roles do not: licenses are the
 * vendor's commercial records. Also the views the API shows — never a
 * license id, only the public handle.
 */
import type { Caller, NamespaceCheckDeps } from "../accounts/management-access.ts";
import { requireNamespaceManager } from "../accounts/management-access.ts";
import type { LicenseRow } from "../metadata/licensing-metadata.ts";
import { licenseActive } from "./license-authority.ts";
import { LicensingError } from "./licensing-error.ts";

/** A license as the API shows it (no secret). */
export interface LicenseView {
  /** The public handle (`lic_…`), used in paths and commands. */
  readonly id: string;
  readonly app: string;
  readonly customer: string;
  readonly channel: string | null;
  readonly entitlements: readonly string[];
  readonly state: "active" | "revoked" | "expired";
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The view of `row` at `now`. */
export function licenseView(row: LicenseRow, now: number): LicenseView {
  const state = row.revokedAt !== null ? "revoked" : licenseActive(row, now) ? "active" : "expired";
  return {
    id: row.publicId,
    app: row.appSlug,
    customer: row.customer,
    channel: row.channel,
    entitlements: row.entitlements,
    state,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/**
 * Checks that `caller` manages application `slug`. LicensingError
 * `not-found` when `slug` is not an application; the accounts' AccountsError
 * (`forbidden`, `unauthenticated`) when the caller may not manage it.
 */
export async function requireApplication(deps: NamespaceCheckDeps, caller: Caller, slug: string): Promise<void> {
  const namespace = await deps.store.findNamespace(slug);
  if (namespace?.kind !== "application") {
    throw new LicensingError("not-found", `application ${JSON.stringify(slug.slice(0, 100))} does not exist`);
  }
  await requireNamespaceManager(deps, caller, slug);
}
