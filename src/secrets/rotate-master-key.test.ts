/**
 * @module
 * Tests of the key-rotation operation: only server administrators, checked
 * before the key file is touched; a version is added for the key file and
 * not for environment keys; concurrent calls run one after the other.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Caller } from "../accounts/management-access.ts";
import { isDomainError } from "../errors/domain-error.ts";
import { createKeyRotation } from "./rotate-master-key.ts";
import type { RotationReport } from "./secret-rotation.ts";

const user = (isAdmin: boolean): Caller => ({
  principal: { kind: "user", name: isAdmin ? "root" : "jane", userId: 1, isAdmin },
});

function fakes(source: "file" | "environment") {
  const events: string[] = [];
  let version = 1;
  const keys = {
    source,
    async rotate() {
      events.push("rotate:start");
      await new Promise((resolve) => setTimeout(resolve, 5));
      version += 1;
      events.push("rotate:end");
      return { version };
    },
  };
  const secrets = {
    async rotateAll(): Promise<RotationReport> {
      events.push("reencrypt");
      return { keyVersion: version, reencrypted: 2, changedMeanwhile: 0, failed: [] };
    },
  };
  return { events, rotate: createKeyRotation({ keys, secrets }) };
}

describe("createKeyRotation", () => {
  test("a non-administrator is refused before the key file is touched", async () => {
    const { events, rotate } = fakes("file");
    await assert.rejects(rotate(user(false)), (error) => isDomainError(error, "forbidden"));
    assert.deepEqual(events, []);
  });

  test("key file: adds a version, then re-encrypts under it", async () => {
    const { events, rotate } = fakes("file");
    const report = await rotate(user(true));
    assert.deepEqual(report, {
      keyVersion: 2,
      reencrypted: 2,
      changedMeanwhile: 0,
      failed: [],
      source: "file",
      addedVersion: 2,
    });
    assert.deepEqual(events, ["rotate:start", "rotate:end", "reencrypt"]);
  });

  test("environment keys: no version added, only re-encryption", async () => {
    const { events, rotate } = fakes("environment");
    const report = await rotate(user(true));
    assert.equal(report.addedVersion, null);
    assert.equal(report.source, "environment");
    assert.deepEqual(events, ["reencrypt"]);
  });

  test("concurrent rotations run one at a time, also after a refused one", async () => {
    const { events, rotate } = fakes("file");
    const results = await Promise.allSettled([rotate(user(true)), rotate(user(false)), rotate(user(true))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "fulfilled"],
    );
    assert.deepEqual(events, ["rotate:start", "rotate:end", "reencrypt", "rotate:start", "rotate:end", "reencrypt"]);
    const versions = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.addedVersion] : []));
    assert.deepEqual(versions, [2, 3]);
  });
});
