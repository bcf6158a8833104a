import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatScope, parseScopePattern, patternCovers, scopedActions } from "./scope-pattern.ts";

describe("scope patterns", () => {
  it("parses repository, namespace and wildcard patterns", () => {
    assert.deepEqual(parseScopePattern("myapp/worker:pull"), { pattern: "myapp/worker", actions: ["pull"] });
    assert.deepEqual(parseScopePattern("myapp/*:pull,push"), { pattern: "myapp/*", actions: ["pull", "push"] });
    assert.deepEqual(parseScopePattern("*:pull,push,delete"), { pattern: "*", actions: ["pull", "push", "delete"] });
    assert.equal(formatScope(parseScopePattern("a/b:pull,push")), "a/b:pull,push");
  });

  it("refuses what is not a pattern with a message saying the form", () => {
    for (const bad of ["", "pull", ":pull", "myapp:", "myapp:fly", "My/App:pull", "a//b:pull", "a/**:pull"]) {
      assert.throws(() => parseScopePattern(bad), /invalid scope/, bad);
    }
  });

  it("covers exactly what it names", () => {
    assert.ok(patternCovers("*", "anything/at/all"));
    assert.ok(patternCovers("myapp/*", "myapp/worker"));
    assert.ok(patternCovers("myapp/*", "myapp/deep/worker"));
    assert.ok(!patternCovers("myapp/*", "myapp"));
    assert.ok(!patternCovers("myapp/*", "myapp2/worker"));
    assert.ok(patternCovers("myapp/worker", "myapp/worker"));
    assert.ok(!patternCovers("myapp/worker", "myapp/worker2"));
  });

  it("unions the actions of every matching scope", () => {
    const scopes = [parseScopePattern("myapp/*:pull"), parseScopePattern("myapp/worker:push")];
    assert.deepEqual([...scopedActions(scopes, "myapp/worker")].sort(), ["pull", "push"]);
    assert.deepEqual([...scopedActions(scopes, "myapp/api")], ["pull"]);
    assert.deepEqual([...scopedActions(scopes, "other/x")], []);
  });
});
