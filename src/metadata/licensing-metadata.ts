/**
 * @module
 * The customers-and-licenses part of the metadata port, as plain rows split
 * by role: customers, licenses (found by the hash of their secret id, by
 * their public id or row id — never by the secret itself) and the pull
 * records of licenses. Validation and permissions are the licensing
 * services'. Absence is `undefined`; a duplicate name or id is the driver's
 * constraint error. Times are milliseconds since the epoch.
 */

/** A stored customer of an application. */
export interface CustomerRow {
  readonly id: number;
  readonly appSlug: string;
  readonly name: string;
  readonly email: string | null;
  readonly createdAt: number;
}

/** The fields of a new license. */
export interface NewLicense {
  readonly customerId: number;
  readonly publicId: string;
  /** SHA-256 (hex) of the secret license id. */
  readonly secretHash: string;
  readonly channel: string | null;
  readonly entitlements: readonly string[];
  /** Null: never expires. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  /** The secret id encrypted under the master key, bound to `publicId`; null or absent when not kept. */
  readonly sealedId?: string | null;
}

/** A stored license, with its customer's name and application. */
export interface LicenseRow extends NewLicense {
  readonly id: number;
  readonly revokedAt: number | null;
  readonly customer: string;
  readonly appSlug: string;
}

/** Customers. Names are unique per application. */
export interface CustomerStore {
  createCustomer(appSlug: string, name: string, email: string | null, createdAt: number): Promise<CustomerRow>;
  findCustomer(appSlug: string, name: string): Promise<CustomerRow | undefined>;
  /** The application's customers by name. */
  listCustomers(appSlug: string): Promise<CustomerRow[]>;
  /** Deletes the customer with its licenses and their pull records. */
  deleteCustomer(id: number): Promise<void>;
}

/** Licenses. Public ids and secret hashes are unique server-wide. */
export interface LicenseStore {
  createLicense(license: NewLicense): Promise<LicenseRow>;
  findLicenseByHash(secretHash: string): Promise<LicenseRow | undefined>;
  findLicenseById(id: number): Promise<LicenseRow | undefined>;
  findLicenseByPublicId(publicId: string): Promise<LicenseRow | undefined>;
  /** The application's licenses (optionally one customer's), oldest first. */
  listLicenses(appSlug: string, customerId?: number): Promise<LicenseRow[]>;
  /** Marks the license revoked at `at` unless it already is; true when this call revoked it. */
  revokeLicense(id: number, at: number): Promise<boolean>;
  setLicenseExpiry(id: number, expiresAt: number | null): Promise<void>;
}

/** One manifest or blob a license pulled. */
export interface LicensePull {
  readonly licenseId: number;
  readonly at: number;
  readonly repository: string;
  /** The tag or digest the client asked for. */
  readonly reference: string;
  /** The digest served (the reference itself when it was one), when known. */
  readonly digest: string | null;
  readonly kind: "manifest" | "blob" | "bundle";
  /** Bytes of the response body sent (its Content-Length). */
  readonly bytes: number;
  readonly remote: string | null;
}

/** Pull records of licenses. */
export interface LicensePullStore {
  /** Appends records in one transaction. */
  appendPulls(pulls: readonly LicensePull[]): Promise<void>;
  /** Up to `limit` records of license `licenseId` at or after `since`, newest first. */
  listPulls(licenseId: number, since: number, limit: number): Promise<LicensePull[]>;
}

/** Everything the licensing services store. */
export type LicensingMetadata = CustomerStore & LicenseStore & LicensePullStore;
