import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashPassword, verifyPassword } from "./password-hash.ts";

describe("password hashing", () => {
  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("correct horse");
    assert.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.equal(await verifyPassword("correct horse", stored), true);
    assert.equal(await verifyPassword("correct horse ", stored), false);
    assert.equal(await verifyPassword("", stored), false);
  });

  it("salts every hash", async () => {
    assert.notEqual(await hashPassword("same"), await hashPassword("same"));
  });

  it("treats malformed or hostile stored hashes as a mismatch", async () => {
    for (const stored of [
      "",
      "plain",
      "scrypt$1$2$3",
      "bcrypt$x$y$z$a$b",
      `scrypt$${2 ** 30}$8$1$AA$AA`,
      "scrypt$-1$8$1$AA$AA",
    ]) {
      assert.equal(await verifyPassword("x", stored), false, stored);
    }
  });
});
