import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashLicenseId, licenseIdMatches, looksLikeLicenseId, newLicenseId, publicIdOf } from "./license-id.ts";

describe("license ids", () => {
  it("are wharf_lic_ and 52 base32 characters, different every time", () => {
    const ids = new Set(Array.from({ length: 200 }, newLicenseId));
    assert.equal(ids.size, 200);
    for (const id of ids) {
      assert.match(id, /^wharf_lic_[a-z2-7]{52}$/);
      assert.ok(looksLikeLicenseId(id));
    }
    assert.ok(!looksLikeLicenseId("wharf_pat_abc"));
    assert.ok(!looksLikeLicenseId(`${newLicenseId()}x`));
  });

  it("are stored as SHA-256 and named by a handle derived from it", () => {
    const id = newLicenseId();
    const hash = hashLicenseId(id);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(publicIdOf(hash), `lic_${hash.slice(0, 16)}`);
    assert.ok(licenseIdMatches(id, hash));
    assert.ok(!licenseIdMatches(newLicenseId(), hash));
    assert.ok(!licenseIdMatches(id, "abcd"), "a malformed stored hash never matches");
  });
});
