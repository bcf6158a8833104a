import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRouteMatcher } from "./route-matcher.ts";

const routes = [
  { id: "item-get", pattern: /^\/items\/([^/]+)$/, methods: ["GET", "HEAD"] },
  { id: "item-put", pattern: /^\/items\/([^/]+)$/, methods: ["PUT", "GET"] },
  { id: "list", pattern: /^\/items\/?$/, methods: ["GET"] },
];
const match = createRouteMatcher(routes, (r) => r);

describe("createRouteMatcher", () => {
  it("returns the first route in table order that answers the method, with its groups", () => {
    assert.deepEqual(match("GET", "/items/a%2Fb"), { kind: "found", route: routes[0], groups: ["a%2Fb"] });
    assert.deepEqual(match("PUT", "/items/x"), { kind: "found", route: routes[1], groups: ["x"] });
  });

  it("lists every matching route's methods, once each, when none answers the method", () => {
    assert.deepEqual(match("DELETE", "/items/x"), {
      kind: "no-method",
      route: routes[0],
      allow: ["GET", "HEAD", "PUT"],
    });
  });

  it("says no-route when no pattern matches the whole path", () => {
    assert.deepEqual(match("GET", "/items/x/y"), { kind: "no-route" });
    assert.deepEqual(match("GET", "/other"), { kind: "no-route" });
  });
});
