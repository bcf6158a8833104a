/**
 * @module
 * The one rule for tests that need a tool this machine may lack (podman,
 * skopeo, docker-registry, kubectl, an old Node): outside CI a missing tool
 * skips the test and says why; under CI (`CI` set and not `false`/`0`, which
 * `.ci/run` exports) it is a failure, so a broken CI machine cannot pass by
 * skipping. Use {@link skipOption} for `describe`/`test` options and
 * {@link skipIfMissing} inside a test.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";

/** True when running under CI. */
export function underCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

function failure(missing: string): string {
  return `${missing}; CI must have every tool the tests drive (scripts/install-system-deps.sh)`;
}

/**
 * The `skip` option for a suite or test: `missing` (why the tool cannot run,
 * or undefined when it can) outside CI; under CI a missing tool throws, which
 * fails the whole file with the reason.
 */
export function skipOption(missing: string | undefined): string | undefined {
  if (missing === undefined) return undefined;
  if (underCi()) throw new Error(failure(missing));
  return missing;
}

/**
 * Inside a test: skips it with `missing` and returns true (the caller
 * returns), or fails it under CI; returns false when the tool is there.
 */
export function skipIfMissing(t: TestContext, missing: string | undefined): boolean {
  if (missing === undefined) return false;
  if (underCi()) assert.fail(failure(missing));
  t.skip(missing);
  return true;
}
