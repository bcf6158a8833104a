/**
 * @module
 * An application's customers: a name unique in the application (lower-case
 * letters, digits, '.', '_', '-'; it shows in audit logs as
 * `license:<customer>`) and an optional contact e-mail. Deleting a customer
 * deletes its licenses, which stop working at once.
 */
import type { Caller, ManagedNamespaceDeps } from "../accounts/management-access.ts";
import { recordChange } from "../accounts/management-access.ts";
import type { CustomerRow, LicensingMetadata } from "../metadata/licensing-metadata.ts";
import { type LicenseView, licenseView, requireApplication } from "./licensing-access.ts";
import { LicensingError } from "./licensing-error.ts";

/** A customer as the API shows it. */
export interface CustomerView {
  readonly name: string;
  readonly app: string;
  readonly email: string | null;
  readonly createdAt: string;
  /** Its licenses that are active now. */
  readonly activeLicenses: number;
}

/** What the customer service needs. */
export interface LicensingServiceDeps extends ManagedNamespaceDeps {
  readonly licensing: LicensingMetadata;
  /** The time licenses and customers are stamped with (milliseconds). */
  readonly now: () => number;
}

const namePattern = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws LicensingError `invalid` unless `name` is a valid customer name. */
export function assertCustomerName(name: string): void {
  if (!namePattern.test(name)) {
    throw new LicensingError(
      "invalid",
      `customer name ${JSON.stringify(name.slice(0, 100))} is invalid: use 1-63 lower-case letters, digits, '.', '_' or '-', beginning and ending with a letter or digit`,
    );
  }
}

/** The customer service. */
export type CustomerService = ReturnType<typeof createCustomerService>;

/** Creates the customer service. */
export function createCustomerService(deps: LicensingServiceDeps) {
  const { licensing: store } = deps;

  async function view(row: CustomerRow): Promise<CustomerView> {
    const now = deps.now();
    const licenses = await store.listLicenses(row.appSlug, row.id);
    const activeLicenses = licenses.filter((l) => licenseView(l, now).state === "active").length;
    return {
      name: row.name,
      app: row.appSlug,
      email: row.email,
      createdAt: new Date(row.createdAt).toISOString(),
      activeLicenses,
    };
  }

  /** The customer `name` of `app`; LicensingError `not-found` otherwise. */
  async function requireCustomer(app: string, name: string): Promise<CustomerRow> {
    const row = await store.findCustomer(app, name);
    if (!row)
      throw new LicensingError("not-found", `application ${app} has no customer ${JSON.stringify(name.slice(0, 100))}`);
    return row;
  }

  return {
    requireCustomer,
    /** Creates a customer; `invalid` for a bad name or e-mail, `conflict` when the name is taken. */
    async create(caller: Caller, app: string, input: { name: string; email?: string }): Promise<CustomerView> {
      await requireApplication(deps, caller, app);
      assertCustomerName(input.name);
      const email = input.email?.trim() || null;
      if (email !== null && (email.length > 254 || !emailPattern.test(email))) {
        throw new LicensingError("invalid", `e-mail ${JSON.stringify(email.slice(0, 100))} is not an e-mail address`);
      }
      if (await store.findCustomer(app, input.name)) {
        throw new LicensingError("conflict", `application ${app} already has a customer ${input.name}`);
      }
      const row = await store.createCustomer(app, input.name, email, deps.now());
      recordChange(deps, caller, "customer.create", `customer:${app}/${row.name}`);
      return view(row);
    },

    /** The application's customers by name. */
    async list(caller: Caller, app: string): Promise<CustomerView[]> {
      await requireApplication(deps, caller, app);
      return Promise.all((await store.listCustomers(app)).map(view));
    },

    /** A customer and its licenses. */
    async show(caller: Caller, app: string, name: string): Promise<CustomerView & { licenses: LicenseView[] }> {
      await requireApplication(deps, caller, app);
      const row = await requireCustomer(app, name);
      const now = deps.now();
      const licenses = (await store.listLicenses(app, row.id)).map((l) => licenseView(l, now));
      return { ...(await view(row)), licenses };
    },

    /** Deletes a customer and its licenses (which stop working at once). */
    async delete(caller: Caller, app: string, name: string): Promise<void> {
      await requireApplication(deps, caller, app);
      const row = await requireCustomer(app, name);
      await store.deleteCustomer(row.id);
      recordChange(deps, caller, "customer.delete", `customer:${app}/${row.name}`);
    },
  };
}
