/**
 * @module
 * The registry of a secret from the form's kind, URL and insecure flag:
 * every accepted spelling of both kinds, and every refusal with the rule it
 * names. The URL grammar itself is tested with normalizeRegistryUrl.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { dockerHubRegistry } from "./registry-url.ts";
import { registryFields, resolveSecretRegistry, storedLocation } from "./secret-registry.ts";

describe("resolveSecretRegistry", () => {
  test("accepts every spelling of both kinds", () => {
    const table: [string, string | undefined, boolean, string, string][] = [
      ["docker-hub", undefined, false, "https://index.docker.io/v1/", "https://index.docker.io/v1/"],
      ["docker-hub", "", false, "https://index.docker.io/v1/", "https://index.docker.io/v1/"],
      ["docker-hub", "docker.io", false, "https://index.docker.io/v1/", "https://index.docker.io/v1/"],
      [
        "docker-hub",
        "https://index.docker.io/v1/",
        false,
        "https://index.docker.io/v1/",
        "https://index.docker.io/v1/",
      ],
      ["private-registry", "registry.acme.com", false, "https://registry.acme.com", "registry.acme.com"],
      [
        "private-registry",
        " Registry.Acme.com:5000/ ",
        false,
        "https://registry.acme.com:5000",
        "registry.acme.com:5000",
      ],
      ["private-registry", "https://host/team/", false, "https://host/team", "host/team"],
      ["private-registry", "[::1]:5000", false, "https://[::1]:5000", "[::1]:5000"],
      ["private-registry", "lab:5000", true, "http://lab:5000", "lab:5000"],
      ["private-registry", "http://lab:5000/v2/", true, "http://lab:5000", "lab:5000"],
      ["private-registry", "registry-1.docker.io", false, "https://index.docker.io/v1/", "https://index.docker.io/v1/"],
    ];
    for (const [kind, url, insecure, expectedUrl, expectedKey] of table) {
      const location = resolveSecretRegistry(kind, url, insecure);
      assert.deepEqual([location.url, location.key], [expectedUrl, expectedKey], `${kind} ${url} ${insecure}`);
    }
  });

  test("refuses naming the rule", () => {
    const table: [string, string | undefined, boolean, string][] = [
      ["private-registry", undefined, false, "needs its registry URL"],
      ["private-registry", "  ", false, "needs its registry URL"],
      ["private-registry", "http://lab:5000", false, "mark the secret insecure"],
      ["private-registry", "https://lab:5000", true, "uses https:// but the secret is marked insecure"],
      ["private-registry", "ftp://lab", false, 'scheme "ftp"'],
      ["private-registry", "user:pw@lab", false, "holds credentials"],
      ["private-registry", "lab:99999", false, "from 1 to 65535"],
      ["private-registry", "http://docker.io", true, "served over https only"],
      ["docker-hub", undefined, true, "cannot be insecure"],
      ["docker-hub", "quay.io", false, "takes no registry URL"],
      ["dockerhub", undefined, false, 'kind "dockerhub" is unknown'],
    ];
    for (const [kind, url, insecure, part] of table) {
      assert.throws(
        () => resolveSecretRegistry(kind, url, insecure),
        (error) => isDomainError(error, "invalid-input") && error.message.includes(part),
        `${kind} ${url} ${insecure} should say ${part}`,
      );
    }
  });
});

describe("stored registry fields", () => {
  test("round-trip to the same location", () => {
    for (const [kind, url, insecure] of [
      ["private-registry", "[::1]:5000/team", true],
      ["private-registry", "quay.io", false],
      ["docker-hub", undefined, false],
    ] as const) {
      const location = resolveSecretRegistry(kind, url, insecure);
      const fields = registryFields(location, insecure);
      assert.deepEqual(storedLocation(fields), location);
      assert.equal(fields.insecure, insecure);
    }
    assert.deepEqual(storedLocation({ kind: "docker-hub", registryUrl: "x", registryKey: "y" }), dockerHubRegistry);
  });
});
