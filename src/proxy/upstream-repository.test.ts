import assert from "node:assert/strict";
import { test } from "node:test";
import { upstreamRepository } from "./upstream-repository.ts";

const at = (url: string, prefix = "") => ({ baseUrl: new URL(url), prefix });

test("the prefix is joined to the path, with stray slashes ignored", () => {
  assert.deepEqual(upstreamRepository(at("https://quay.io", "/acme/"), "api"), {
    ok: true,
    ref: { domain: "quay.io", path: "acme/api" },
  });
  assert.deepEqual(upstreamRepository(at("http://127.0.0.1:5001"), "team/app"), {
    ok: true,
    ref: { domain: "127.0.0.1:5001", path: "team/app" },
  });
});

test("Docker Hub by any of its hosts: official images get library/", () => {
  for (const url of ["https://registry-1.docker.io", "https://index.docker.io", "https://docker.io"]) {
    assert.deepEqual(upstreamRepository(at(url), "nginx"), {
      ok: true,
      ref: { domain: "docker.io", path: "library/nginx" },
    });
  }
  assert.deepEqual(upstreamRepository(at("https://registry-1.docker.io", "acme"), "web"), {
    ok: true,
    ref: { domain: "docker.io", path: "acme/web" },
  });
});

test("a prefix the grammar refuses is reported, not thrown", () => {
  assert.equal(upstreamRepository(at("https://quay.io", "Bad Prefix"), "api").ok, false);
});
