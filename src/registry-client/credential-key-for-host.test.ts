/**
 * @module
 * Docker Hub's credentials are keyed by the legacy index URL; others by host.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { credentialKeyForHost, dockerHubCredentialKey } from "./credential-key-for-host.ts";

test("every Docker Hub spelling maps to https://index.docker.io/v1/", () => {
  assert.equal(dockerHubCredentialKey, "https://index.docker.io/v1/");
  for (const host of ["docker.io", "index.docker.io", "registry-1.docker.io", "Docker.IO"]) {
    assert.equal(credentialKeyForHost(host), dockerHubCredentialKey, host);
  }
});

test("other registries are keyed by host as written, port included", () => {
  for (const host of ["ghcr.io", "quay.io", "localhost:5000", "[::1]:5000", "Registry.Example.com"]) {
    assert.equal(credentialKeyForHost(host), host);
  }
});
