/**
 * @module
 * The next-page link in the Link header shapes registries send.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { nextLink } from "./parse-link-header.ts";

test("reads Distribution's next link", () => {
  assert.equal(nextLink('</v2/app/tags/list?last=b&n=2>; rel="next"'), "/v2/app/tags/list?last=b&n=2");
});

test("finds next among several links, any quoting, any case, several relations", () => {
  assert.equal(nextLink('</first>; rel="first", </n?x=1,2>; rel=next'), "/n?x=1,2");
  assert.equal(nextLink('<https://r.example/p2>; title="x"; REL="prev NEXT"'), "https://r.example/p2");
});

test("no next link", () => {
  assert.equal(nextLink(undefined), undefined);
  assert.equal(nextLink('</prev>; rel="prev"'), undefined);
  assert.equal(nextLink("garbage"), undefined);
});
