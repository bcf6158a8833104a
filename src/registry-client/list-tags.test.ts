/**
 * @module
 * listTags against a real Distribution registry, and its pagination
 * against a small paginating server on loopback: Distribution 2.8 ignores
 * `n` and `last` on tag lists (tag pagination arrived in Distribution 3),
 * so it always answers with one page and cannot show Link-following.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { createRegistryClient } from "./create-registry-client.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture({ extraTags: ["v1", "v2", "v3"] });

describe("listTags on Distribution", { skip: skipReason }, () => {
  it("lists every tag, whatever page size is asked for", async () => {
    const { client, server } = fixture();
    const expected = ["amd64", "arm64", "multi", "v1", "v2", "v3"];
    for (const options of [{}, { n: 2 }]) {
      const result = await client.listTags({ domain: server.host, path: "team/app" }, options);
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual([...result.value].sort(), expected);
    }
  });

  it("reports an unknown repository as not-found", async () => {
    const { client, server } = fixture();
    const result = await client.listTags({ domain: server.host, path: "team/none" });
    assert.equal(result.ok ? "ok" : result.failure.kind, "not-found");
  });
});

const allTags = ["a", "b", "c", "d", "e"];
let pager: Server;
let host: string;
const requested: string[] = [];

/** Serves /v2/<repo>/tags/list in pages of n, linking the next page the way `repo` says. */
function servePages(url: URL): { status: number; link?: string; tags?: string[] } {
  const repo = url.pathname.split("/")[2];
  const n = Number(url.searchParams.get("n") ?? "100");
  const last = url.searchParams.get("last");
  const start = last === null ? 0 : allTags.indexOf(last) + 1;
  const tags = allTags.slice(start, start + n);
  if (start + n >= allTags.length) return { status: 200, tags };
  const next = `/v2/${repo}/tags/list?n=${n}&last=${tags.at(-1)}`;
  const link = {
    relative: `<${next}>; rel="next"`,
    absolute: `<http://${host}${next}>; rel="next"`,
    foreign: `<http://192.0.2.1${next}>; rel="next"`,
    loop: `</v2/loop/tags/list?n=${n}>; rel="next"`,
  }[repo ?? ""];
  return { status: 200, tags, ...(link !== undefined && { link }) };
}

before(async () => {
  pager = createServer((request, response) => {
    const url = new URL(request.url ?? "/", `http://${host}`);
    requested.push(`${url.pathname}${url.search}`);
    const page = servePages(url);
    const headers = page.link === undefined ? {} : { link: page.link };
    response.writeHead(page.status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify({ name: "x", tags: page.tags }));
  });
  await new Promise<void>((resolve) => pager.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(pager.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => pager.close(() => resolve())));

describe("listTags pagination", () => {
  const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
  const list = (path: string, options = {}) => client.listTags({ domain: host, path }, options);

  it("follows relative and absolute next links with n=2", async () => {
    for (const path of ["relative", "absolute"]) {
      requested.length = 0;
      assert.deepEqual(await list(path, { n: 2 }), { ok: true, value: allTags });
      assert.deepEqual(requested, [
        `/v2/${path}/tags/list?n=2`,
        `/v2/${path}/tags/list?n=2&last=b`,
        `/v2/${path}/tags/list?n=2&last=d`,
      ]);
    }
  });

  it("starts after last", async () => {
    assert.deepEqual(await list("relative", { n: 2, last: "c" }), { ok: true, value: ["d", "e"] });
  });

  it("refuses next links to another origin, link loops and bad page sizes", async () => {
    for (const [path, options] of [
      ["foreign", { n: 2 }],
      ["loop", { n: 2 }],
      ["relative", { n: 0 }],
    ] as const) {
      const result = await list(path, options);
      assert.equal(result.ok ? "ok" : result.failure.kind, "protocol", path);
    }
  });
});
