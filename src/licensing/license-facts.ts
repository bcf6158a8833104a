/**
 * @module
 * What a license's charts are told about it: the facts Wharf injects into a
 * chart's values for that license (customer, e-mail, public handle, expiry,
 * channel, entitlements, and the secret id when it is kept sealed). Read
 * fresh per request from the store, so a revoked or expired license yields
 * nothing and an extended one its new expiry.
 */
import type { CustomerStore, LicenseRow, LicenseStore } from "../metadata/licensing-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { decryptSecret } from "../secrets/secret-cipher.ts";
import { channelOf } from "./channel-path.ts";
import { licenseActive } from "./license-authority.ts";

/** The facts about one license. */
export interface LicenseFacts {
  /** The public handle (`lic_…`). */
  readonly licenseId: string;
  readonly app: string;
  readonly customer: string;
  readonly email: string | null;
  /** The channel the license follows (`stable` when it names none). */
  readonly channel: string;
  readonly entitlements: readonly string[];
  /** ISO time, or null for a license that never expires. */
  readonly expiresAt: string | null;
  /**
   * The secret license id, when Wharf keeps it sealed (licenses created
   * since migration 0008 on a server with a master key) and can unseal it.
   * A credential: never log it.
   */
  readonly secretId?: string;
  /** Custom license fields by name, secret ones included (license-fields.ts). */
  readonly fields?: Readonly<Record<string, number | string | boolean>>;
}

/** Facts of license row `id`, or undefined when it is deleted, revoked or expired. */
export type FindLicenseFacts = (id: number) => Promise<LicenseFacts | undefined>;

/** Creates the lookup over the store. */
export function createLicenseFacts(
  store: Pick<LicenseStore, "findLicenseById"> & Pick<CustomerStore, "findCustomer">,
  clock: () => number,
  keyRing?: () => KeyRing | undefined,
  fieldsOf?: (row: LicenseRow, redact: false) => Promise<Readonly<Record<string, number | string | boolean>>>,
): FindLicenseFacts {
  const unseal = (row: LicenseRow): string | undefined => {
    const ring = keyRing?.();
    if (!ring || !row.sealedId) return undefined;
    try {
      return decryptSecret(ring, row.sealedId, row.publicId);
    } catch {
      return undefined; // a key version this server lacks: the chart goes without the pull secret
    }
  };
  return async (id) => {
    const row = await store.findLicenseById(id);
    if (!row || !licenseActive(row, clock())) return undefined;
    const customer = await store.findCustomer(row.appSlug, row.customer);
    const secretId = unseal(row);
    return {
      licenseId: row.publicId,
      app: row.appSlug,
      customer: row.customer,
      email: customer?.email ?? null,
      channel: channelOf(row),
      entitlements: row.entitlements,
      expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
      ...(secretId !== undefined && { secretId }),
      ...(fieldsOf && { fields: await fieldsOf(row, false) }),
    };
  };
}
