import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { skipOption, underCi } from "./skip-missing-tool.ts";

describe("skipOption", () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it("skips with the reason outside CI, and runs when the tool is there", () => {
    delete process.env.CI;
    assert.equal(underCi(), false);
    assert.equal(skipOption("podman is not installed"), "podman is not installed");
    assert.equal(skipOption(undefined), undefined);
  });

  it("fails under CI, naming the missing tool", () => {
    process.env.CI = "true";
    assert.throws(() => skipOption("podman is not installed"), /podman is not installed; CI must have every tool/);
    assert.equal(skipOption(undefined), undefined);
    process.env.CI = "false";
    assert.equal(underCi(), false);
  });
});
