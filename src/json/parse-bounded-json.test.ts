import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedJsonError } from "./bounded-json-error.ts";
import { parseBoundedJson } from "./parse-bounded-json.ts";

const bounds = { maxDepth: 8, maxEntries: 5, maxValues: 20 };
const parse = (text: string | Uint8Array) =>
  parseBoundedJson(typeof text === "string" ? Buffer.from(text) : text, bounds);

function refused(text: string | Uint8Array, kind: BoundedJsonError["kind"], message?: RegExp) {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof BoundedJsonError, String(error));
      assert.equal(error.kind, kind, error.message);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe("parseBoundedJson", () => {
  it("parses documents within bounds exactly as JSON.parse does", () => {
    const text = '{"a":[1,2,{"b":"x\\"}{[,"}],"c\\u0064":null,"e":{"a":1}}';
    assert.deepEqual(parse(text), JSON.parse(text));
    assert.deepEqual(parse("[[[[[[[[]]]]]]]]"), JSON.parse("[[[[[[[[]]]]]]]]"));
  });

  it("refuses nesting deeper than maxDepth before JSON.parse sees it", () => {
    refused("[[[[[[[[[]]]]]]]]]", "depth", /deeper than 8 levels/);
    refused(`${"[".repeat(2_000_000)}`, "depth");
  });

  it("refuses too many entries in one array or object, and too many values in all", () => {
    refused("[1,2,3,4,5,6]", "entries", /more than 5 entries in one array/);
    refused('{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}', "entries", /one object/);
    refused("[[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5]]", "values", /more than 20 values/);
  });

  it("refuses duplicate keys, also when one is escaped, but not equal values or nested reuse", () => {
    refused('{"a":1,"b":{"a":2},"a":3}', "duplicate-key", /"a" twice/);
    refused('{"ab":1,"\\u0061b":2}', "duplicate-key", /"ab" twice/);
    assert.deepEqual(parse('[{"a":"a"},{"a":"a"}]'), [{ a: "a" }, { a: "a" }]);
  });

  it("refuses a byte order mark and bytes that are not UTF-8, saying which", () => {
    refused(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("{}")]), "bom", /byte order mark/);
    refused(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), "utf8", /not UTF-8/);
  });

  it("reports JSON.parse's message for broken syntax", () => {
    refused('{"a":', "syntax", /JSON/);
    refused("  ", "syntax");
  });
});
