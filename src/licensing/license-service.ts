/**
 * @module
 * An application's licenses. `create` returns the secret license id once
 * (only its SHA-256 is stored); afterwards a license is named by its public
 * handle (`lic_…`). Revocation is final; `extend` sets a new expiry counted
 * from now (or `never`). The pull secret a customer installs holds the id,
 * which Wharf no longer has, so the vendor passes it in and Wharf checks it
 * against the stored hash before rendering.
 */

import { AccountsError } from "../accounts/accounts-error.ts";
import type { Caller } from "../accounts/management-access.ts";
import { recordChange } from "../accounts/management-access.ts";
import { parseDuration, parseSince } from "../accounts/management-duration.ts";
import { isDomainError } from "../errors/domain-error.ts";
import type { LicenseRow } from "../metadata/licensing-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { encryptSecret } from "../secrets/secret-cipher.ts";
import type { CustomerService, LicensingServiceDeps } from "./customer-service.ts";
import { parseEntitlements } from "./entitlements.ts";
import type { LicenseFields, LicenseFieldValues } from "./license-fields.ts";
import { hashLicenseId, licenseIdMatches, newLicenseId, publicIdOf } from "./license-id.ts";
import { renderLicensePullSecret } from "./license-pull-secret.ts";
import { type LicenseView, licenseView, requireApplication } from "./licensing-access.ts";
import { LicensingError } from "./licensing-error.ts";
import type { PullRecorder } from "./pull-recorder.ts";

/** What a new license is made of. */
export interface NewLicenseInput {
  readonly customer: string;
  /** A duration (`30d`, `12h`, `1y`) or `never` (the default). */
  readonly expires?: string;
  readonly entitlements?: readonly string[];
  readonly channel?: string;
  /** Custom field values by name, checked against the application's fields. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A license view with its custom field values (secret ones redacted). */
export type LicenseWithFields = LicenseView & { fields: LicenseFieldValues };

/** A pull record as the API shows it. */
export interface PullView {
  readonly at: string;
  readonly repository: string;
  readonly reference: string;
  readonly digest: string | null;
  readonly kind: "manifest" | "blob" | "bundle";
  readonly bytes: number;
  readonly remote: string | null;
}

/** What the pull-secret render takes. */
export interface PullSecretInput {
  /** The secret license id (the vendor has it; Wharf keeps only its hash). */
  readonly licenseId: string;
  readonly namespaces: readonly string[];
  /** The registry host customers pull from; else the server's public URL, else `defaultRegistry`. */
  readonly registry?: string;
  readonly defaultRegistry?: string;
  /** The Secret's name; `<app>-registry` by default. */
  readonly name?: string;
}

const publicIdPattern = /^lic_[0-9a-f]{16}$/;
const channelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const dayMs = 86_400_000;

function expiryFrom(text: string | undefined, now: number): number | null {
  if (text === undefined || text.trim() === "never") return null;
  try {
    return now + parseDuration(text, "expiry");
  } catch (error) {
    if (error instanceof AccountsError) throw new LicensingError("invalid", `${error.message}, or never`);
    throw error;
  }
}

function sinceTime(text: string, now: number): number {
  try {
    return parseSince(text, now);
  } catch (error) {
    if (error instanceof AccountsError) throw new LicensingError("invalid", error.message);
    throw error;
  }
}

/** The license service. */
export type LicenseService = ReturnType<typeof createLicenseService>;

/** Creates the license service. */
export function createLicenseService(
  deps: LicensingServiceDeps & {
    customers: CustomerService;
    pulls: PullRecorder;
    publicUrl: string | undefined;
    /** When given, the new license's id is also kept encrypted under it (bound to its public handle). */
    keyRing?: (() => KeyRing | undefined) | undefined;
    fields: LicenseFields;
  },
) {
  const { licensing: store, now: clock } = deps;

  /** License `id` (public handle) of `app`; `not-found` otherwise. */
  async function requireLicense(app: string, id: string): Promise<LicenseRow> {
    const row = publicIdPattern.test(id) ? await store.findLicenseByPublicId(id) : undefined;
    if (!row || row.appSlug !== app) {
      throw new LicensingError("not-found", `application ${app} has no license ${JSON.stringify(id.slice(0, 40))}`);
    }
    return row;
  }

  const withFields = async (row: LicenseRow, now: number): Promise<LicenseWithFields> => ({
    ...licenseView(row, now),
    fields: await deps.fields.valuesOf(row, true),
  });

  async function managed(caller: Caller, app: string, id: string): Promise<LicenseRow> {
    await requireApplication(deps, caller, app);
    return requireLicense(app, id);
  }

  return {
    /** Creates a license; its secret id is in the answer and nowhere else, ever. */
    async create(
      caller: Caller,
      app: string,
      input: NewLicenseInput,
    ): Promise<LicenseWithFields & { licenseId: string }> {
      await requireApplication(deps, caller, app);
      const customer = await deps.customers.requireCustomer(app, input.customer);
      const entitlements = parseEntitlements(app, input.entitlements ?? []);
      const channel = input.channel?.trim() || null;
      if (channel !== null && !channelPattern.test(channel)) {
        throw new LicensingError("invalid", "a channel is 1-63 letters, digits, '.', '_' or '-' (e.g. stable, beta)");
      }
      const now = clock();
      const expiresAt = expiryFrom(input.expires, now);
      const fieldValues = await deps.fields.check(app, input.fields ?? {});
      const licenseId = newLicenseId();
      const secretHash = hashLicenseId(licenseId);
      const publicId = publicIdOf(secretHash);
      const ring = deps.keyRing?.();
      const row = await store.createLicense({
        customerId: customer.id,
        publicId,
        sealedId: ring ? encryptSecret(ring, licenseId, publicId) : null,
        secretHash,
        channel,
        entitlements,
        expiresAt,
        createdAt: now,
      });
      await deps.fields.persist(row, fieldValues);
      recordChange(deps, caller, "license.create", `license:${row.publicId}`, { customer: customer.name, app });
      return { ...(await withFields(row, now)), licenseId };
    },

    /** The application's licenses, optionally one customer's. */
    async list(caller: Caller, app: string, customer?: string): Promise<LicenseView[]> {
      await requireApplication(deps, caller, app);
      const customerId = customer === undefined ? undefined : (await deps.customers.requireCustomer(app, customer)).id;
      const now = clock();
      return (await store.listLicenses(app, customerId)).map((row) => licenseView(row, now));
    },

    /** One license. */
    async show(caller: Caller, app: string, id: string): Promise<LicenseWithFields> {
      return withFields(await managed(caller, app, id), clock());
    },

    /** Sets custom field values of a license (`invalid` names a field or value that does not fit). */
    async setFields(caller: Caller, app: string, id: string, values: Readonly<Record<string, unknown>>) {
      const row = await managed(caller, app, id);
      const fields = await deps.fields.set(deps, caller, row, values);
      return { ...licenseView(row, clock()), fields } satisfies LicenseWithFields;
    },

    /** The license's signed document (a compact JWS), for the customer's app to verify offline. */
    async document(caller: Caller, app: string, id: string): Promise<{ document: string }> {
      return { document: await deps.fields.document(await managed(caller, app, id)) };
    },

    /** The application's custom license fields. */
    fieldDefinitions: (caller: Caller, app: string) => deps.fields.list(deps, caller, app),

    /** Defines a custom license field of the application. */
    defineField: (caller: Caller, app: string, input: { name: string; type: string; choices?: string[] | undefined }) =>
      deps.fields.define(deps, caller, app, input),

    /** The public key license documents verify with (a JWK; public, not a secret). */
    signingKey: () => deps.fields.publicKey(),
    /** Every public key license documents verify with (a JWK Set; public). */
    signingKeys: () => deps.fields.publicKeys(),
    /** Adds a license-signing key that signs from now on (server administrators only). */
    rotateSigningKey: (caller: Caller) => deps.fields.rotateKey(deps, caller),

    /**
     * The license `id` of any application the caller manages (for commands
     * that name only the license); `not-found` also when the caller may not
     * manage it, so the answer does not reveal other vendors' licenses.
     */
    async find(caller: Caller, id: string): Promise<LicenseWithFields> {
      const row = publicIdPattern.test(id) ? await store.findLicenseByPublicId(id) : undefined;
      try {
        if (row) {
          await requireApplication(deps, caller, row.appSlug);
          return await withFields(row, clock());
        }
      } catch (error) {
        if (!isDomainError(error, "forbidden")) throw error;
      }
      throw new LicensingError("not-found", `there is no license ${JSON.stringify(id.slice(0, 40))} you manage`);
    },

    /** Revokes a license: the next request made with it, or a token issued for it, is refused. */
    async revoke(caller: Caller, app: string, id: string): Promise<LicenseView> {
      const row = await managed(caller, app, id);
      const now = clock();
      if (await store.revokeLicense(row.id, now)) {
        recordChange(deps, caller, "license.revoke", `license:${row.publicId}`, { customer: row.customer, app });
      }
      return licenseView((await store.findLicenseById(row.id)) ?? row, now);
    },

    /** Sets a new expiry from now (`never` removes it); `conflict` for a revoked license. */
    async extend(caller: Caller, app: string, id: string, expires: string): Promise<LicenseView> {
      const row = await managed(caller, app, id);
      if (row.revokedAt !== null) {
        throw new LicensingError("conflict", `license ${row.publicId} is revoked; create a new license instead`);
      }
      const now = clock();
      const expiresAt = expiryFrom(expires, now);
      await store.setLicenseExpiry(row.id, expiresAt);
      recordChange(deps, caller, "license.extend", `license:${row.publicId}`, {
        app,
        customer: row.customer,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      });
      return licenseView({ ...row, expiresAt }, now);
    },

    /** The license's pull records, newest first (default: the last 30 days, 100 records; `since` is an ISO time or a duration back). */
    async pulls(caller: Caller, app: string, id: string, query: { since?: string; limit?: number } = {}) {
      const row = await managed(caller, app, id);
      await deps.pulls.flush();
      const since = query.since === undefined ? clock() - 30 * dayMs : sinceTime(query.since, clock());
      const pulls = await store.listPulls(row.id, since, Math.min(query.limit ?? 100, 1000));
      return pulls.map(
        (p): PullView => ({
          at: new Date(p.at).toISOString(),
          repository: p.repository,
          reference: p.reference,
          digest: p.digest,
          kind: p.kind,
          bytes: p.bytes,
          remote: p.remote,
        }),
      );
    },

    /** The Kubernetes Secret YAML (one per namespace) that lets a customer pull with the license. */
    async pullSecret(caller: Caller, app: string, id: string, input: PullSecretInput): Promise<{ yaml: string }> {
      const row = await managed(caller, app, id);
      if (!licenseIdMatches(input.licenseId, row.secretHash)) {
        throw new LicensingError("invalid", `that license id is not the id of license ${row.publicId}`);
      }
      if (row.revokedAt !== null) throw new LicensingError("conflict", `license ${row.publicId} is revoked`);
      const registry = input.registry ?? deps.publicUrl ?? input.defaultRegistry;
      if (registry === undefined) {
        throw new LicensingError("invalid", "name the registry host customers pull from (registry)");
      }
      const yaml = renderLicensePullSecret({
        name: input.name ?? `${app}-registry`,
        namespaces: input.namespaces,
        registry,
        licenseId: input.licenseId,
        email: undefined,
      });
      recordChange(deps, caller, "license.pull-secret", `license:${row.publicId}`, { namespaces: input.namespaces });
      return { yaml };
    },
  };
}
