/**
 * @module
 * Tests of `.dockerconfigjson` rendering: the fields `kubectl create secret
 * docker-registry` writes, identity tokens as Docker writes them, merges, and
 * the refusal of two different credentials for one registry.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import type { RegistryCredential } from "./registry-credential.ts";
import { dockerHubRegistryKey } from "./registry-url.ts";
import { renderDockerConfigJson } from "./render-docker-config.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

const hub: RegistryCredential = {
  kind: "password",
  registryKey: dockerHubRegistryKey,
  username: "janedoe",
  password: "pa:ss",
  email: "jane@example.com",
};
const quay: RegistryCredential = {
  kind: "password",
  registryKey: "quay.io",
  username: "acme+robot",
  password: "TOKEN",
};
const azure: RegistryCredential = {
  kind: "identity-token",
  registryKey: "myregistry.azurecr.io",
  username: "0000",
  identityToken: "eyJ.refresh",
};
const opaque: RegistryCredential = {
  kind: "identity-token",
  registryKey: "registry.example.com",
  username: "<token>",
  identityToken: "opaque",
};

describe("renderDockerConfigJson", () => {
  test("writes username, password, email and auth for a password", () => {
    const text = renderDockerConfigJson([hub]);
    assert.equal(
      text,
      `{"auths":{"https://index.docker.io/v1/":{"username":"janedoe","password":"pa:ss","email":"jane@example.com","auth":"${b64("janedoe:pa:ss")}"}}}`,
    );
  });

  test("merges several registries in the order given", () => {
    const json = JSON.parse(renderDockerConfigJson([quay, hub]));
    assert.deepEqual(Object.keys(json.auths), ["quay.io", dockerHubRegistryKey]);
    assert.deepEqual(json.auths["quay.io"], {
      username: "acme+robot",
      password: "TOKEN",
      auth: b64("acme+robot:TOKEN"),
    });
  });

  test("writes identity tokens as Docker does", () => {
    const json = JSON.parse(renderDockerConfigJson([azure, opaque]));
    assert.deepEqual(json.auths["myregistry.azurecr.io"], {
      auth: b64("0000:"),
      identitytoken: "eyJ.refresh",
    });
    assert.deepEqual(json.auths["registry.example.com"], { identitytoken: "opaque" });
  });

  test("writes an empty auths object for no credentials", () => {
    assert.equal(renderDockerConfigJson([]), '{"auths":{}}');
  });

  test("writes the same credential twice once", () => {
    assert.equal(renderDockerConfigJson([quay, { ...quay }]), renderDockerConfigJson([quay]));
  });

  test("refuses two different credentials for one registry", () => {
    for (const other of [
      { ...quay, password: "OTHER" },
      { ...azure, registryKey: "quay.io" },
    ]) {
      assert.throws(
        () => renderDockerConfigJson([quay, other as RegistryCredential]),
        (error) =>
          isDomainError(error, "invalid-input") &&
          error.message.includes('two different credentials are given for registry "quay.io"'),
      );
    }
  });
});
