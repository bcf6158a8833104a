/**
 * @module
 * Docker Hub is dialed at registry-1.docker.io, whatever spelling named it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { registryHostForPulling } from "./registry-host-for-pulling.ts";

test("Docker Hub and its aliases are pulled from registry-1.docker.io", () => {
  for (const domain of ["docker.io", "index.docker.io", "registry-1.docker.io"]) {
    assert.equal(registryHostForPulling(domain), "registry-1.docker.io");
  }
});

test("any other domain is dialed as written, port and case included", () => {
  for (const domain of ["gcr.io", "localhost:5000", "[::1]:5000", "Registry.Example.com", "Docker.io"]) {
    assert.equal(registryHostForPulling(domain), domain);
  }
});
