/**
 * @module
 * The table test of registry-URL normalization, for both kinds: every
 * accepted spelling with its url, host and `.dockerconfigjson` key, and every
 * refusal with the substring its message must contain.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dockerHubRegistry, dockerHubRegistryKey, normalizeRegistryUrl } from "./registry-url.ts";

/** input, insecure, url, host, key. */
type Valid = readonly [string, boolean, string, string, string];

// biome-ignore format: one case per line reads as a table
const privateValid: readonly Valid[] = [
  ["registry.acme.com", false, "https://registry.acme.com", "registry.acme.com", "registry.acme.com"],
  ["  Registry.ACME.com/  ", false, "https://registry.acme.com", "registry.acme.com", "registry.acme.com"],
  ["registry.acme.com:5000", false, "https://registry.acme.com:5000", "registry.acme.com:5000", "registry.acme.com:5000"],
  ["https://registry.acme.com:5000/", false, "https://registry.acme.com:5000", "registry.acme.com:5000", "registry.acme.com:5000"],
  ["HTTPS://quay.io", false, "https://quay.io", "quay.io", "quay.io"],
  ["https://gitlab.acme.com/team/sub///", false, "https://gitlab.acme.com/team/sub", "gitlab.acme.com", "gitlab.acme.com/team/sub"],
  ["https://registry.acme.com/v2/", false, "https://registry.acme.com", "registry.acme.com", "registry.acme.com"],
  ["gcr.io/my-project-123", false, "https://gcr.io/my-project-123", "gcr.io", "gcr.io/my-project-123"],
  ["123456789012.dkr.ecr.us-east-1.amazonaws.com", false, "https://123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"],
  ["localhost:5000", false, "https://localhost:5000", "localhost:5000", "localhost:5000"],
  ["http://localhost:5000", true, "http://localhost:5000", "localhost:5000", "localhost:5000"],
  ["localhost:5000", true, "https://localhost:5000", "localhost:5000", "localhost:5000"],
  ["10.0.0.7:443", false, "https://10.0.0.7:443", "10.0.0.7:443", "10.0.0.7:443"],
  ["[::1]:5000", false, "https://[::1]:5000", "[::1]:5000", "[::1]:5000"],
  ["https://[FE80::1]", false, "https://[fe80::1]", "[fe80::1]", "[fe80::1]"],
  ["host:65535", false, "https://host:65535", "host:65535", "host:65535"],
];

// biome-ignore format: one case per line reads as a table
const hubSpellings: readonly string[] = [
  "docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/",
  "https://index.docker.io/v1", "Docker.IO", "https://registry-1.docker.io/v2/", "https://docker.io/",
];

/** input, insecure, substring of the error. */
// biome-ignore format: one case per line reads as a table
const invalid: readonly (readonly [string, boolean, string])[] = [
  ["", false, "is empty"],
  ["   ", false, "is empty"],
  ["registry .acme.com", false, "contains a space"],
  ["http://registry.acme.com", false, "use https://, or mark the secret insecure"],
  ["ftp://registry.acme.com", false, "scheme \"ftp\""],
  ["https://user:pw@registry.acme.com", false, "holds credentials"],
  ["user@registry.acme.com", false, "holds credentials"],
  ["https://registry.acme.com/?x=1", false, "has a query"],
  ["https://registry.acme.com/#top", false, "has a fragment"],
  ["registry.acme.com:0", false, "must be a number from 1 to 65535"],
  ["registry.acme.com:65536", false, "must be a number from 1 to 65535"],
  ["registry.acme.com:http", false, "must be a number from 1 to 65535"],
  ["registry.acme.com:", false, "must be a number from 1 to 65535"],
  ["https://", false, "has no host"],
  ["https:///path", false, "has no host"],
  [":5000", false, "no host name"],
  ["::1:5000", false, "put an IPv6 address in brackets"],
  ["[::1", false, "malformed IPv6"],
  ["[::1]x", false, "malformed IPv6"],
  ["[::g]:5000", false, "invalid IPv6 address"],
  ["[fe80::1%eth0]:5000", false, "invalid IPv6 address"],
  ["-bad.example.com", false, "is not a valid host name"],
  ["bad..example.com", false, "empty part between dots"],
  ["under_score.example.com", false, "is not a valid host name"],
  [`${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.com`, false, "longer than 253"],
  ["https://registry.acme.com/a//b", false, "empty path segment"],
  ["https://registry.acme.com/a/../b", false, "invalid path segment"],
  ["https://registry.acme.com/a%20b", false, "invalid path segment"],
  ["http://docker.io", true, "served over https only"],
  ["docker.io/library", false, "takes no port or path"],
  ["docker.io:443", false, "takes no port or path"],
];

describe("normalizeRegistryUrl: private registry", () => {
  for (const [input, insecure, url, host, key] of privateValid) {
    test(`accepts ${JSON.stringify(input)}${insecure ? " (insecure)" : ""}`, () => {
      assert.deepEqual(normalizeRegistryUrl(input, { insecure }), {
        ok: true,
        kind: "private-registry",
        url,
        host,
        key,
      });
    });
  }
});

describe("normalizeRegistryUrl: Docker Hub", () => {
  test("the constant is Docker's legacy index URL", () => {
    assert.equal(dockerHubRegistryKey, "https://index.docker.io/v1/");
    assert.deepEqual(dockerHubRegistry, {
      kind: "docker-hub",
      url: dockerHubRegistryKey,
      host: "docker.io",
      key: dockerHubRegistryKey,
    });
  });
  for (const input of hubSpellings) {
    test(`normalizes ${JSON.stringify(input)} to Docker Hub`, () => {
      assert.deepEqual(normalizeRegistryUrl(input), { ok: true, ...dockerHubRegistry });
    });
  }
});

describe("normalizeRegistryUrl: refusals", () => {
  for (const [input, insecure, part] of invalid) {
    test(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      const result = normalizeRegistryUrl(input, { insecure });
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.error.includes(part), `${result.error} lacks ${part}`);
    });
  }
});
