/** The retention semver matcher against the common operators and npm's meaning of partial versions. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSemverRange } from "./semver-range.ts";

const cases: [string, string[], string[]][] = [
  [">=2.0.0 <3", ["2.0.0", "v2.5.1", "2.9", "2"], ["1.9.9", "3.0.0", "3.0.0-rc.1", "latest"]],
  ["^1.2", ["1.2.0", "1.9.3", "v1.2"], ["1.1.9", "2.0.0", "1.3.0-beta"]],
  ["^1.2.3", ["1.2.3", "1.99.0"], ["1.2.2", "2.0.0"]],
  ["^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]],
  ["^0.0.3", ["0.0.3"], ["0.0.4"]],
  ["~1.4.2", ["1.4.2", "1.4.9"], ["1.5.0", "1.4.1"]],
  ["~1", ["1.0.0", "1.9.9"], ["2.0.0"]],
  ["1.x", ["1.0.0", "1.8.2"], ["2.0.0", "0.9.0"]],
  ["1.2", ["1.2.0", "1.2.7"], ["1.3.0"]],
  ["=1.0.0", ["1.0.0", "v1.0.0", "1.0.0+build.5"], ["1.0.1"]],
  [">1.2", ["1.3.0"], ["1.2.9"]],
  ["<=1.2", ["1.2.9", "1.0.0"], ["1.3.0"]],
  [">1.2.3", ["1.2.4"], ["1.2.3"]],
  ["1.2 - 1.4", ["1.2.0", "1.4.9"], ["1.5.0", "1.1.0"]],
  ["^1 || >=3.1.0", ["1.5.0", "3.1.0", "4.0.0"], ["2.0.0", "3.0.9"]],
  [">= 2.0.0 < 3", ["2.1.0"], ["3.0.0"]],
  [">=2.0.0-rc.1 <3", ["2.0.0-rc.1", "2.0.0-rc.2", "2.0.0", "2.4.0"], ["2.0.0-beta", "2.1.0-rc.1"]],
  ["*", ["0.0.1", "9.9.9"], ["9.9.9-pre", "main"]],
];

test("ranges match the versions npm's semver would, tags read loosely", () => {
  for (const [range, yes, no] of cases) {
    const matches = compileSemverRange(range);
    for (const tag of yes) assert.ok(matches(tag), `${tag} should satisfy ${range}`);
    for (const tag of no) assert.ok(!matches(tag), `${tag} should not satisfy ${range}`);
  }
});

test("a range that does not parse is an error that says so", () => {
  for (const bad of [">=banana", "^", "1.2.3.4", ">>1"]) {
    assert.throws(() => compileSemverRange(bad), /is not a version comparator/, bad);
  }
});
