import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTokenScope, parseTokenScope, parseTokenScopes } from "./token-scope.ts";

describe("token scopes (distribution scope.md)", () => {
  it("parses repository and catalog scopes", () => {
    assert.deepEqual(parseTokenScope("repository:myapp/worker:pull,push"), {
      type: "repository",
      name: "myapp/worker",
      actions: ["pull", "push"],
    });
    assert.deepEqual(parseTokenScope("registry:catalog:*"), { type: "registry", name: "catalog", actions: ["*"] });
    assert.deepEqual(parseTokenScope("repository(plugin):a/b:pull").name, "a/b");
  });

  it("accepts repeated and space-separated scopes", () => {
    const scopes = parseTokenScopes(["repository:a:pull repository:b:push", "registry:catalog:*"]);
    assert.deepEqual(scopes.map(formatTokenScope), ["repository:a:pull", "repository:b:push", "registry:catalog:*"]);
  });

  it("refuses malformed scopes with the reason", () => {
    const cases: [string, RegExp][] = [
      ["bogus", /three ':'-separated parts/],
      ["repository:a", /three ':'-separated parts/],
      ["repository:a:", /no actions/],
      ["repository:a:fly", /unknown action "fly"/],
      ["repository:UPPER:pull", /not a valid repository name/],
      ["nope:thing:pull", /unknown resource type "nope"/],
      ["registry:other:*", /unknown resource type "registry"/],
    ];
    for (const [text, why] of cases) assert.throws(() => parseTokenScope(text), why, text);
    assert.throws(() => parseTokenScopes(Array.from({ length: 51 }, () => "repository:a:pull")), /at most 50/);
  });
});
