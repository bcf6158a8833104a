import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { entitlementCovers, parseEntitlements } from "./entitlements.ts";
import { LicensingError } from "./licensing-error.ts";

describe("entitlement patterns", () => {
  it("default to all of the app's own images and drop duplicates, keeping order", () => {
    assert.deepEqual(parseEntitlements("myapp", []), ["myapp/*"]);
    assert.deepEqual(parseEntitlements("myapp", ["quay/a/*", " myapp/api ", "quay/a/*"]), ["quay/a/*", "myapp/api"]);
  });

  it("refuse a wildcard or nothing in the first segment, bad names and too many", () => {
    for (const bad of [
      "*",
      "*/x",
      "qu*ay/x",
      "myapp",
      "myapp/",
      "Myapp/API",
      "quay//x",
      "quay/a b",
      `a/${"x".repeat(300)}`,
    ]) {
      assert.throws(
        () => parseEntitlements("myapp", [bad]),
        (e: unknown) => e instanceof LicensingError && e.kind === "invalid",
        bad,
      );
    }
    const many = Array.from({ length: 101 }, (_, i) => `myapp/i${i}`);
    assert.throws(() => parseEntitlements("myapp", many), /at most 100/);
  });

  it("match literally, or with '*' over any characters including '/'", () => {
    const cases: [string, string, boolean][] = [
      ["myapp/api", "myapp/api", true],
      ["myapp/api", "myapp/api2", false],
      ["myapp/*", "myapp/api", true],
      ["myapp/*", "myapp/a/b/c", true],
      ["myapp/*", "myapp", false],
      ["myapp/*", "myappx/api", false],
      ["quay/acme/*-server", "quay/acme/api-server", true],
      ["quay/acme/*-server", "quay/acme/api-server/x", false],
      ["quay/*/api", "quay/acme/team/api", true],
      ["quay/*/api", "quay/acme/apix", false],
      ["quay/a*b*c", "quay/abc", true],
      ["quay/a*b*c", "quay/acb", false],
      ["quay/ab*ba", "quay/aba", false],
    ];
    for (const [pattern, name, expected] of cases) {
      assert.equal(entitlementCovers(pattern, name), expected, `${pattern} vs ${name}`);
    }
  });
});
