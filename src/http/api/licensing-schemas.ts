/**
 * @module
 * The shapes of the customer and license routes, as zod schemas: request
 * bodies and queries (validated, then documented in OpenAPI) and the answers
 * (documented only). They bound sizes and types; the licensing services
 * decide the rules and name the broken one. No answer carries a license id
 * except the creation of a license.
 */
import { z } from "zod";

const text = (max: number, what: string) => z.string().max(max).meta({ description: what });
const time = z.string().nullable().meta({ description: "ISO 8601 time, or null" });

const license = z.object({
  id: text(40, "public handle of the license (lic_…), used in paths; not a credential"),
  app: z.string(),
  customer: z.string(),
  channel: z.string().nullable(),
  entitlements: z.array(z.string()),
  state: z.enum(["active", "revoked", "expired"]),
  expiresAt: time,
  revokedAt: time,
  createdAt: z.string(),
  fields: z
    .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
    .optional()
    .meta({ description: "custom license fields by name; secret ones shown as ********" }),
});
const fieldValues = z
  .record(z.string().max(63), z.union([z.number(), z.string().max(4096), z.boolean()]))
  .refine((v) => Object.keys(v).length <= 100, "at most 100 fields")
  .meta({ description: "custom field values by name, checked against the application's license fields" });
const fieldDefinition = z.object({
  name: z.string(),
  type: z.enum(["integer", "string", "boolean", "enum", "secret"]),
  choices: z.array(z.string()).nullable(),
});
const promotion = z.object({
  chart: z.string(),
  channel: z.string(),
  tag: z.string(),
  promotedAt: z.string(),
});
const customer = z.object({
  name: z.string(),
  app: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  activeLicenses: z.number(),
});

/** Request bodies and queries. */
export const licensingSchemas = {
  newCustomer: z.strictObject({
    name: text(256, "customer name: lower-case letters, digits, '.', '_', '-', 1-63"),
    email: text(1024, "contact e-mail").optional(),
  }),
  newLicense: z.strictObject({
    customer: text(256, "the customer's name"),
    expires: text(20, "lifetime from now such as 30d, 1y, or never (the default)").optional(),
    entitlements: z
      .array(text(300, "pattern"))
      .max(200)
      .optional()
      .meta({ description: "`<app-slug>/<path>` or `<registry-short-name>/<path>` with `*`; default `<app-slug>/*`" }),
    channel: text(100, "release channel or label, e.g. stable").optional(),
    fields: fieldValues.optional(),
  }),
  setFields: z.strictObject({ fields: fieldValues }),
  promotion: z.strictObject({
    chart: text(200, "the chart's repository under the application, e.g. web"),
    channel: text(100, "the channel, e.g. stable or beta"),
    tag: text(128, "the chart version's tag, e.g. 1.0.0"),
  }),
  newField: z.strictObject({
    name: text(100, "field name: a lower-case letter, then letters, digits or '_', up to 63"),
    type: text(20, "integer, string, boolean, enum or secret"),
    choices: z.array(text(100, "an allowed value")).max(100).optional().meta({ description: "enum fields only" }),
  }),
  licenseQuery: z.strictObject({ customer: text(256, "only this customer's licenses").optional() }),
  extend: z.strictObject({ expires: text(20, "new lifetime from now such as 90d, or never") }),
  pullsQuery: z.strictObject({
    since: text(40, "ISO time or a duration back from now (24h); default 30d").optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  }),
  pullSecret: z.strictObject({
    licenseId: text(100, "the secret license id (checked against the stored hash; never stored)"),
    namespaces: z.array(text(1024, "a Kubernetes namespace")).min(1).max(50),
    registry: text(2048, "registry host customers pull from; default the server's publicUrl").optional(),
    defaultRegistry: text(2048, "used when neither registry nor the server's publicUrl is set").optional(),
    name: text(1024, "the Secret's name; default <app>-registry").optional(),
  }),
};

/** Answers, for the OpenAPI document. */
export const licensingAnswers = {
  customer,
  customers: z.object({ customers: z.array(customer) }),
  customerDetail: customer.extend({ licenses: z.array(license) }),
  license,
  licenses: z.object({ licenses: z.array(license) }),
  created: license.extend({ licenseId: text(100, "the secret license id: username and password; shown once") }),
  pulls: z.object({
    pulls: z.array(
      z.object({
        at: z.string(),
        repository: z.string(),
        reference: z.string(),
        digest: z.string().nullable(),
        kind: z.enum(["manifest", "blob", "bundle"]),
        bytes: z.number(),
        remote: z.string().nullable(),
      }),
    ),
  }),
  promotion,
  promotions: z.object({ promotions: z.array(promotion) }),
  field: fieldDefinition,
  fields: z.object({ fields: z.array(fieldDefinition) }),
  document: z.object({
    document: z.string().meta({ description: "the signed license document: a compact JWS (EdDSA, Ed25519)" }),
  }),
  signingKey: z
    .object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() })
    .meta({ description: "the Ed25519 public key (JWK) license documents verify with" }),
  signingKeys: z
    .object({
      keys: z.array(
        z.object({
          kty: z.string(),
          crv: z.string(),
          x: z.string(),
          kid: z.string(),
          alg: z.string(),
          use: z.string(),
        }),
      ),
    })
    .meta({ description: "every license-signing public key, oldest first (a JWK Set; documents pick theirs by kid)" }),
  yaml: z.object({ yaml: z.string().meta({ description: "Kubernetes Secret(s), multi-document YAML" }) }),
};
