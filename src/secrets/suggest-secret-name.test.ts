/**
 * @module
 * Tests of secret-name proposals: the product's examples, awkward hosts, and
 * uniqueness — every proposal passes the secret-name rule.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dockerHubRegistry, normalizeRegistryUrl, type RegistryLocation } from "./registry-url.ts";
import { validateSecretName } from "./secret-name.ts";
import { suggestSecretName } from "./suggest-secret-name.ts";

function at(url: string): RegistryLocation {
  const result = normalizeRegistryUrl(url);
  assert.ok(result.ok);
  return result;
}

// biome-ignore format: one case per line reads as a table
const cases: readonly (readonly [RegistryLocation, string])[] = [
  [dockerHubRegistry, "docker-hub"],
  [at("quay.io"), "quay-io"],
  [at("registry.acme.com:5000"), "registry-acme-com-5000"],
  [at("https://gitlab.acme.com/team/sub"), "gitlab-acme-com-team-sub"],
  [at("[::1]:5000"), "1-5000"],
  [at("[::]"), "registry"],
  [at(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.example.com/${"p".repeat(100)}`), `${"a".repeat(63)}-${"b".repeat(63)}-${"c".repeat(63)}-example-com-${"p".repeat(49)}`],
];

describe("suggestSecretName", () => {
  for (const [registry, name] of cases) {
    test(`${registry.key.slice(0, 40)} → ${name.slice(0, 30)}`, () => {
      const suggested = suggestSecretName(registry);
      assert.equal(suggested, name);
      assert.equal(validateSecretName(suggested), undefined);
    });
  }

  test("appends a number when the name is taken, staying within 253", () => {
    assert.equal(suggestSecretName(at("quay.io"), new Set(["quay-io", "quay-io-2"])), "quay-io-3");
    const long = at(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}`);
    const base = suggestSecretName(long);
    const next = suggestSecretName(long, new Set([base]));
    assert.ok(next.endsWith("-2") && next.length <= 253);
    assert.equal(validateSecretName(next), undefined);
  });
});
