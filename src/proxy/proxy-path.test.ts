import assert from "node:assert/strict";
import { test } from "node:test";
import { RepositoryError } from "../registry/repository-error.ts";
import { isProxyName, parseProxyPath } from "./proxy-path.ts";

test("proxy names split into app, upstream and the upstream path", () => {
  assert.deepEqual(parseProxyPath("proxy/my-app/quay.io/my-org/api"), {
    app: "my-app",
    upstream: "quay.io",
    path: "my-org/api",
  });
  assert.equal(isProxyName("proxy/my-app/quay/api"), true);
  assert.equal(isProxyName("proxy"), true);
  assert.equal(isProxyName("proxying/app"), false);
  assert.equal(isProxyName("acme/proxy/app"), false);
});

test("a proxy name without a repository path is name-unknown, saying the form", () => {
  for (const name of ["proxy", "proxy/app", "proxy/app/quay"]) {
    assert.throws(
      () => parseProxyPath(name),
      (error: unknown) =>
        error instanceof RepositoryError && error.kind === "name-unknown" && /proxy\/<app-slug>/.test(error.message),
    );
  }
});
