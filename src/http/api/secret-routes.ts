/**
 * @module
 * The pull-secret routes of the management API, and the master-key
 * rotation. Answers never hold a password, except the text of a render,
 * which the secrets service allows only to owners and admins.
 */
import { deployAnswers as a, deploySchemas as d } from "./api-deploy-schemas.ts";
import type { ApiRoute } from "./api-route.ts";
import { documentBodyBytes, route } from "./api-route.ts";
import type { DeployServices } from "./deploy-services.ts";

const secretsPath = "/orgs/{org}/secrets";

/** The pull-secret routes, in matching order. */
export function secretRoutes({ secrets, rotateKey }: DeployServices): ApiRoute[] {
  return [
    route("GET", secretsPath, {
      summary: "List an organization's pull secrets, without passwords (members)",
      response: a.secrets,
      handle: async (i) => ({ secrets: await secrets.list(i.caller, i.params.org) }),
    }),
    route("POST", secretsPath, {
      summary: "Create a pull secret (owners and admins); the password is stored encrypted and never returned",
      body: d.newSecret,
      response: a.secret,
      handle: (i) => secrets.create(i.caller, i.params.org, i.body),
    }),
    route("POST", `${secretsPath}/import`, {
      summary: "Create pull secrets from a Docker config.json; notes explain entries not imported (owners and admins)",
      body: d.importConfig,
      maxBodyBytes: documentBodyBytes,
      status: 200,
      response: a.imported,
      handle: (i) => secrets.importConfig(i.caller, i.params.org, i.body.config),
    }),
    route("POST", `${secretsPath}/render`, {
      summary:
        "Render pull secrets as .dockerconfigjson or Kubernetes Secrets; holds the passwords (owners and admins)",
      body: d.render,
      status: 200,
      response: a.rendered,
      handle: (i) => secrets.render(i.caller, i.params.org, i.body.names, i.body),
    }),
    route("GET", `${secretsPath}/{secret}`, {
      summary: "A pull secret, without its password (members)",
      response: a.secret,
      handle: (i) => secrets.get(i.caller, i.params.org, i.params.secret),
    }),
    route("PATCH", `${secretsPath}/{secret}`, {
      summary: "Change a pull secret's username, password, e-mail or registry (owners and admins)",
      body: d.secretChange,
      response: a.secret,
      handle: (i) => secrets.update(i.caller, i.params.org, i.params.secret, i.body),
    }),
    route("DELETE", `${secretsPath}/{secret}`, {
      summary: "Delete a pull secret no service uses (owners and admins)",
      status: 204,
      handle: (i) => secrets.delete(i.caller, i.params.org, i.params.secret),
    }),
    route("POST", `${secretsPath}/{secret}/rename`, {
      summary: "Rename a pull secret; services using it follow (owners and admins)",
      body: d.rename,
      status: 200,
      response: a.secret,
      handle: (i) => secrets.rename(i.caller, i.params.org, i.params.secret, i.body.name),
    }),
    route("POST", `${secretsPath}/{secret}/check`, {
      summary: "Check that a pull secret can pull an image; always 200, the answer is the code (owners and admins)",
      body: d.check,
      status: 200,
      response: a.check,
      handle: (i) => secrets.check(i.caller, i.params.org, i.params.secret, i.body.image, i.body),
    }),
    route("POST", "/secrets/rotate-key", {
      summary: "Add a master-key version (key file) and re-encrypt every pull secret under it (server admin)",
      status: 200,
      response: a.rotation,
      handle: (i) => rotateKey(i.caller),
    }),
  ];
}
