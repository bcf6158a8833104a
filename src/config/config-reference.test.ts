import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { configReference, environmentVariable, regenerateCommand } from "./config-reference.ts";
import { environmentOverrides } from "./load-config.ts";

const committed = join(import.meta.dirname, "..", "..", "docs", "configuration.md");
const keyRows = () =>
  configReference()
    .split("\n")
    .filter((line) => line.startsWith("| `"));

test("docs/configuration.md is the generator's output", async () => {
  const text = await readFile(committed, "utf8");
  assert.ok(
    text === configReference(),
    `docs/configuration.md is out of date with src/config/config-schema.ts; regenerate it: ${regenerateCommand}`,
  );
});

test("every key's environment variable sets that key", () => {
  assert.ok(keyRows().length > 10);
  for (const row of keyRows()) {
    const [, key, variable] = /^\| `([^`]+)` \|.*\| `(WHARF_[A-Z0-9_]+)` \|/.exec(row) ?? [];
    const path = key!.split(".");
    assert.equal(variable, environmentVariable(path));
    const overrides = environmentOverrides({ [variable!]: "x" });
    const set = path.reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], overrides);
    assert.equal(set, "x", `${variable} should set ${key}`);
  }
});

test("every key has a description (give new keys .meta({ description }))", () => {
  for (const row of keyRows()) assert.doesNotMatch(row, /\| — \|$/, row);
});
