/**
 * @module
 * How the CLI shows licenses: one row each, by public handle (never the id).
 */

/** A license as the API answers it. */
export interface LicenseRecord {
  readonly id: string;
  readonly app: string;
  readonly customer: string;
  readonly channel: string | null;
  readonly entitlements: readonly string[];
  readonly state: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
  /** Custom field values (secret ones as ********). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Column headers of {@link licenseRows}. */
export const licenseTableHeaders = ["license", "customer", "state", "expires", "channel", "entitlements"];

/** Table rows for `licenses`. */
export function licenseRows(licenses: readonly LicenseRecord[]): unknown[][] {
  return licenses.map((l) => [l.id, l.customer, l.state, l.expiresAt ?? "never", l.channel, l.entitlements.join(" ")]);
}
