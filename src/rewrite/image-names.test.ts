import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseReference } from "../reference/parse-reference.ts";
import { airgapName, nameSpellings, proxyName, writtenName } from "./image-names.ts";

const ref = (text: string) => {
  const parsed = parseReference(text);
  assert.ok(parsed.ok);
  return parsed.reference;
};

describe("image names", () => {
  test("proxy names follow <host>/proxy/<app>/<upstream>/<path> (the seed's example)", () => {
    assert.equal(
      proxyName(ref("quay.io/my-org/api:v1.0.1"), "proxy.example.com", "my-kots-app"),
      "proxy.example.com/proxy/my-kots-app/quay.io/my-org/api",
    );
    assert.equal(proxyName(ref("nginx"), "w", "app"), "w/proxy/app/docker.io/library/nginx");
  });

  test("a registry with a port needs its short name", () => {
    assert.throws(
      () => proxyName(ref("reg.local:5000/a/b"), "w", "app"),
      /--upstream reg\.local:5000\[\/<prefix>\]=<short name>/,
    );
    assert.equal(
      proxyName(ref("reg.local:5000/a/b"), "w", "app", new Map([["reg.local:5000", "local"]])),
      "w/proxy/app/local/a/b",
    );
  });

  test("a short name's path is inside its registry's prefix; the longest registry that holds the image wins", () => {
    const names = new Map([
      ["reg.local:5000", "local"],
      ["reg.local:5000/acme", "lab"],
      ["quay.io/acme/team", "team"],
    ]);
    assert.equal(proxyName(ref("reg.local:5000/acme/api:1"), "w", "app", names), "w/proxy/app/lab/api");
    assert.equal(proxyName(ref("reg.local:5000/other/api"), "w", "app", names), "w/proxy/app/local/other/api");
    // "acme" is a path segment: acmex/api is not inside reg.local:5000/acme.
    assert.equal(proxyName(ref("reg.local:5000/acmex/api"), "w", "app", names), "w/proxy/app/local/acmex/api");
    assert.equal(proxyName(ref("quay.io/acme/team/api"), "w", "app", names), "w/proxy/app/team/api");
    // Without a short name, the host and the whole path: the proxy finds the registry by host and prefix.
    assert.equal(proxyName(ref("quay.io/acme/api"), "w", "app", names), "w/proxy/app/quay.io/acme/api");
  });

  test("airgap names drop the registry host and Docker Hub's library/", () => {
    assert.equal(airgapName(ref("nginx:1"), "corp:5000/shop"), "corp:5000/shop/nginx");
    assert.equal(airgapName(ref("quay.io/acme/api"), "corp/"), "corp/acme/api");
    assert.equal(airgapName(ref("acme/api"), "corp"), "corp/acme/api");
  });

  test("the written name stops before the tag and digest, not at a registry port", () => {
    assert.equal(writtenName(`localhost:5000/a:1@sha256:${"0".repeat(64)}`), "localhost:5000/a");
    assert.equal(writtenName("localhost:5000/a"), "localhost:5000/a");
    assert.equal(writtenName("nginx:1.25"), "nginx");
  });

  test("Docker Hub official images have every spelling Docker reads the same", () => {
    assert.deepEqual(nameSpellings(ref("nginx")), [
      "nginx",
      "docker.io/nginx",
      "docker.io/library/nginx",
      "index.docker.io/nginx",
      "index.docker.io/library/nginx",
      "registry-1.docker.io/nginx",
      "registry-1.docker.io/library/nginx",
    ]);
    assert.deepEqual(nameSpellings(ref("quay.io/a/b")), ["quay.io/a/b"]);
  });
});
