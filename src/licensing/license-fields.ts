/**
 * @module
 * Custom license fields: an application's typed field definitions
 * (license-field-types.ts), each license's values checked against them, and
 * the license's signed document (license-document.ts) stating its handle,
 * customer, channel, expiry, entitlements and fields. Management views show
 * secret values as `********`; the chart values and the signed document
 * carry them (the customer receives both); at rest they are sealed under the
 * master key (secret-field-seal.ts). Values of fields a license does not set
 * are absent.
 */
import type { Caller, ManagedNamespaceDeps } from "../accounts/management-access.ts";
import { recordChange, requireAdmin } from "../accounts/management-access.ts";
import type { LicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import type { LicenseRow } from "../metadata/licensing-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { requireRing } from "../secrets/sealed-at-rest.ts";
import { channelOf } from "./channel-path.ts";
import {
  canonicalFieldValue,
  checkFieldDefinition,
  type LicenseFieldDefinition,
  type LicenseFieldValue,
  typedFieldValue,
} from "./license-field-types.ts";
import type { LicenseSigner } from "./license-signer.ts";
import { requireApplication } from "./licensing-access.ts";
import { LicensingError } from "./licensing-error.ts";
import { openSecretField, sealSecretField } from "./secret-field-seal.ts";

/** Typed values by field name. */
export type LicenseFieldValues = Record<string, LicenseFieldValue>;

/** The redacted form of a secret value in management views. */
export const redacted = "********";

/** The custom-fields part of licensing. */
export type LicenseFields = ReturnType<typeof createLicenseFields>;

/** Creates it over the fields store and the signer. */
export function createLicenseFields(
  store: LicenseFieldsStore,
  signer: LicenseSigner,
  clock: () => number,
  keyRing: () => KeyRing | undefined,
) {
  const definitions = async (app: string): Promise<Map<string, LicenseFieldDefinition>> =>
    new Map((await store.listFields(app)).map((f) => [f.name, f as LicenseFieldDefinition]));

  /** The canonical text of each of `values`, checked against `app`'s fields. */
  async function check(app: string, values: Readonly<Record<string, unknown>>): Promise<Record<string, string>> {
    const fields = await definitions(app);
    const checked: Record<string, string> = {};
    for (const [name, raw] of Object.entries(values)) {
      const field = fields.get(name);
      if (!field) {
        const known = [...fields.keys()].join(", ") || "none yet: define one with wharf license field define";
        throw new LicensingError(
          "invalid",
          `application ${app} has no license field ${JSON.stringify(name.slice(0, 63))} (fields: ${known})`,
        );
      }
      checked[name] = canonicalFieldValue(field, raw);
    }
    return checked;
  }

  /** License row `row`'s typed values; secret ones as `********` when `redact`. */
  async function valuesOf(row: Pick<LicenseRow, "id" | "appSlug">, redact: boolean): Promise<LicenseFieldValues> {
    const fields = await definitions(row.appSlug);
    const values: LicenseFieldValues = {};
    for (const [name, stored] of Object.entries(await store.values(row.id))) {
      const field = fields.get(name);
      if (!field) continue;
      if (field.type !== "secret") values[name] = typedFieldValue(field, stored);
      else values[name] = redact ? redacted : openSecretField(keyRing(), row.id, name, stored);
    }
    return values;
  }

  /** Stores checked values (from {@link check}) on license row `row`, secret ones sealed. */
  async function persist(row: Pick<LicenseRow, "id" | "appSlug">, checked: Readonly<Record<string, string>>) {
    const fields = await definitions(row.appSlug);
    const stored: Record<string, string> = {};
    for (const [name, text] of Object.entries(checked)) {
      stored[name] =
        fields.get(name)?.type === "secret"
          ? sealSecretField(requireRing(keyRing, "secret license fields"), row.id, name, text)
          : text;
    }
    await store.setValues(row.id, stored);
  }

  return {
    check,
    valuesOf,
    persist,
    /** The application's fields. */
    async list(deps: ManagedNamespaceDeps, caller: Caller, app: string): Promise<LicenseFieldDefinition[]> {
      await requireApplication(deps, caller, app);
      return [...(await definitions(app)).values()].map(({ name, type, choices }) => ({ name, type, choices }));
    },
    /** Defines a field; `conflict` when the name is taken (fields are not redefined: values depend on them). */
    async define(
      deps: ManagedNamespaceDeps,
      caller: Caller,
      app: string,
      input: { name: string; type: string; choices?: readonly string[] | undefined },
    ): Promise<LicenseFieldDefinition> {
      await requireApplication(deps, caller, app);
      const field = checkFieldDefinition(input.name, input.type, input.choices);
      if (!(await store.addField(app, { ...field, createdAt: clock() }))) {
        throw new LicensingError("conflict", `application ${app} already has a license field ${field.name}`);
      }
      recordChange(deps, caller, "license.field.define", `app:${app}`, { field: field.name, type: field.type });
      return field;
    },
    /** Sets values on license row `row` (already checked as managed by the caller). */
    async set(deps: ManagedNamespaceDeps, caller: Caller, row: LicenseRow, values: Readonly<Record<string, unknown>>) {
      const checked = await check(row.appSlug, values);
      await persist(row, checked);
      recordChange(deps, caller, "license.set-field", `license:${row.publicId}`, { fields: Object.keys(checked) });
      return valuesOf(row, true);
    },
    /** The signed document of license row `row` (a compact JWS; deterministic for the same facts). */
    async document(row: LicenseRow): Promise<string> {
      return signer.sign({
        format: "wharf-license/v1",
        license: row.publicId,
        app: row.appSlug,
        customer: row.customer,
        channel: channelOf(row),
        entitlements: [...row.entitlements],
        expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
        fields: await valuesOf(row, false),
      });
    },
    /** The current public key documents are signed with. */
    publicKey: () => signer.publicJwk(),
    /** Every public key (a JWK Set): documents signed before a rotation verify with theirs. */
    publicKeys: () => signer.publicJwks(),
    /** Adds a license-signing key (server administrators only); its public half. */
    async rotateKey(deps: ManagedNamespaceDeps, caller: Caller) {
      requireAdmin(caller, "rotate the license-signing key");
      const key = await signer.rotate();
      recordChange(deps, caller, "license.key.rotate", "license-signing-keys", { kid: key.kid });
      return key;
    },
  };
}
