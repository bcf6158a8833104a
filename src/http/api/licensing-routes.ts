/**
 * @module
 * The customer and license routes on one screen, under
 * `/apps/{app}/customers` and `/apps/{app}/licenses`, plus
 * `/licenses/{license}` to find a license by its public handle alone. The
 * licensing services decide who may (owners and admins of the application's
 * organization); their error kinds become wire codes here.
 */
import type { LicensingServices } from "../../licensing/create-licensing.ts";
import { type ApiRoute, route } from "./api-route.ts";
import { withLicensingErrors as w } from "./licensing-errors.ts";
import { licensingAnswers as a, licensingSchemas as s } from "./licensing-schemas.ts";

const customersPath = "/apps/{app}/customers";
const licensesPath = "/apps/{app}/licenses";
const licensePath = `${licensesPath}/{license}`;

/** The routes over the licensing services. */
export function licensingRoutes({ customers, licenses, charts }: LicensingServices): ApiRoute[] {
  return [
    route("GET", customersPath, {
      summary: "List an application's customers (owners and admins)",
      response: a.customers,
      handle: (i) => w(async () => ({ customers: await customers.list(i.caller, i.params.app) })),
    }),
    route("POST", customersPath, {
      summary: "Create a customer (owners and admins)",
      body: s.newCustomer,
      response: a.customer,
      handle: (i) => w(() => customers.create(i.caller, i.params.app, i.body)),
    }),
    route("GET", `${customersPath}/{customer}`, {
      summary: "A customer and its licenses (owners and admins)",
      response: a.customerDetail,
      handle: (i) => w(() => customers.show(i.caller, i.params.app, i.params.customer)),
    }),
    route("DELETE", `${customersPath}/{customer}`, {
      summary: "Delete a customer and its licenses, which stop working at once (owners and admins)",
      status: 204,
      handle: (i) => w(() => customers.delete(i.caller, i.params.app, i.params.customer)),
    }),
    route("GET", licensesPath, {
      summary: "List an application's licenses, without their ids (owners and admins)",
      query: s.licenseQuery,
      response: a.licenses,
      handle: (i) => w(async () => ({ licenses: await licenses.list(i.caller, i.params.app, i.query.customer) })),
    }),
    route("POST", licensesPath, {
      summary: "Create a license; its id (username and password) is in this answer only (owners and admins)",
      body: s.newLicense,
      response: a.created,
      handle: (i) => w(() => licenses.create(i.caller, i.params.app, i.body)),
    }),
    route("GET", licensePath, {
      summary: "A license by its public handle (owners and admins)",
      response: a.license,
      handle: (i) => w(() => licenses.show(i.caller, i.params.app, i.params.license)),
    }),
    route("POST", `${licensePath}/revoke`, {
      summary: "Revoke a license: its next request is refused, tokens included (owners and admins)",
      status: 200,
      response: a.license,
      handle: (i) => w(() => licenses.revoke(i.caller, i.params.app, i.params.license)),
    }),
    route("POST", `${licensePath}/extend`, {
      summary: "Set a license's expiry, counted from now, or never (owners and admins)",
      body: s.extend,
      status: 200,
      response: a.license,
      handle: (i) => w(() => licenses.extend(i.caller, i.params.app, i.params.license, i.body.expires)),
    }),
    route("GET", `${licensePath}/pulls`, {
      summary: "What the license pulled, newest first: image, digest, bytes, address (owners and admins)",
      query: s.pullsQuery,
      response: a.pulls,
      handle: (i) =>
        w(async () => ({ pulls: await licenses.pulls(i.caller, i.params.app, i.params.license, i.query) })),
    }),
    route("POST", `${licensePath}/pull-secret`, {
      summary: "Render the Kubernetes pull Secret for a license; send its id, checked against the stored hash",
      body: s.pullSecret,
      status: 200,
      response: a.yaml,
      handle: (i) => w(() => licenses.pullSecret(i.caller, i.params.app, i.params.license, i.body)),
    }),
    route("GET", "/apps/{app}/license-fields", {
      summary: "An application's custom license fields (owners and admins)",
      response: a.fields,
      handle: (i) => w(async () => ({ fields: await licenses.fieldDefinitions(i.caller, i.params.app) })),
    }),
    route("POST", "/apps/{app}/license-fields", {
      summary: "Define a custom license field: integer, string, boolean, enum (with choices) or secret",
      body: s.newField,
      response: a.field,
      handle: (i) => w(() => licenses.defineField(i.caller, i.params.app, i.body)),
    }),
    route("POST", `${licensePath}/fields`, {
      summary: "Set custom field values of a license, checked against the application's fields",
      body: s.setFields,
      status: 200,
      response: a.license,
      handle: (i) => w(() => licenses.setFields(i.caller, i.params.app, i.params.license, i.body.fields)),
    }),
    route("GET", `${licensePath}/document`, {
      summary: "The license's signed document (Ed25519 JWS) for offline verification (owners and admins)",
      response: a.document,
      handle: (i) => w(() => licenses.document(i.caller, i.params.app, i.params.license)),
    }),
    route("GET", "/license-signing-key", {
      summary: "The public key (JWK) signed license documents verify with; public",
      auth: false,
      response: a.signingKey,
      handle: () => w(() => licenses.signingKey()),
    }),
    route("GET", "/license-signing-keys", {
      summary: "Every public key license documents verify with (a JWK Set, oldest first); public",
      auth: false,
      response: a.signingKeys,
      handle: () => w(() => licenses.signingKeys()),
    }),
    route("POST", "/license-signing-keys", {
      summary:
        "Add a license-signing key that signs from now on; documents signed before keep verifying (server administrators)",
      status: 201,
      response: a.signingKey,
      handle: (i) => w(() => licenses.rotateSigningKey(i.caller)),
    }),
    route("GET", "/apps/{app}/chart-channels", {
      summary: "Chart tags promoted to channels (owners and admins)",
      response: a.promotions,
      handle: (i) => w(async () => ({ promotions: await charts.list(i.caller, i.params.app) })),
    }),
    route("POST", "/apps/{app}/chart-channels/promote", {
      summary: "Promote a chart tag to a channel: licenses then see only their channel's tags of that chart",
      body: s.promotion,
      status: 200,
      response: a.promotion,
      handle: (i) => w(() => charts.promote(i.caller, i.params.app, i.body)),
    }),
    route("POST", "/apps/{app}/chart-channels/demote", {
      summary: "Take a chart tag off a channel",
      body: s.promotion,
      status: 204,
      handle: (i) => w(() => charts.demote(i.caller, i.params.app, i.body)),
    }),
    route("GET", "/licenses/{license}", {
      summary: "Find a license of any application the caller manages by its public handle",
      response: a.license,
      handle: (i) => w(() => licenses.find(i.caller, i.params.license)),
    }),
  ];
}
