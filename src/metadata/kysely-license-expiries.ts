/**
 * @module
 * A read of the licensing tables for the webhook module: the licenses that
 * expired in a time interval (not revoked), with their application and
 * customer. Over Kysely, SQLite or PostgreSQL.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";

/** A license that expired. */
export interface ExpiredLicense {
  readonly publicId: string;
  readonly app: string;
  readonly customer: string;
  readonly expiresAt: number;
}

/** Licenses that expired. */
export interface LicenseExpiries {
  /** Up to `limit` unrevoked licenses with `after < expires_at <= upTo`, by expiry. */
  expiredBetween(after: number, upTo: number, limit: number): Promise<ExpiredLicense[]>;
}

/** Creates the read over `db`. */
export function createLicenseExpiries(db: Kysely<Database>): LicenseExpiries {
  return {
    async expiredBetween(after, upTo, limit) {
      const rows = await db
        .selectFrom("licenses")
        .innerJoin("customers", "customers.id", "licenses.customer_id")
        .select(["licenses.public_id", "licenses.expires_at", "customers.app_slug", "customers.name"])
        .where("licenses.revoked_at", "is", null)
        .where("licenses.expires_at", ">", after)
        .where("licenses.expires_at", "<=", upTo)
        .orderBy("licenses.expires_at")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        publicId: r.public_id,
        app: r.app_slug,
        customer: r.name,
        expiresAt: Number(r.expires_at),
      }));
    },
  };
}
