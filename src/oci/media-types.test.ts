/**
 * @module
 * Tests for the media-type predicates.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acceptedManifestMediaTypes,
  isIndexMediaType,
  isManifestMediaType,
  isMediaTypeShape,
  isSchema1MediaType,
  mediaTypes as mt,
} from "./media-types.ts";

describe("media types", () => {
  it("accepts the four manifest formats and not schema 1", () => {
    assert.equal(acceptedManifestMediaTypes.size, 4);
    for (const type of [mt.ociManifest, mt.ociIndex, mt.dockerManifest, mt.dockerManifestList]) {
      assert.ok(isManifestMediaType(type), type);
    }
    assert.equal(isManifestMediaType(mt.dockerSchema1), false);
    assert.ok(isSchema1MediaType(mt.dockerSchema1) && isSchema1MediaType(mt.dockerSchema1Signed));
  });

  it("tells indexes apart", () => {
    assert.ok(isIndexMediaType(mt.ociIndex) && isIndexMediaType(mt.dockerManifestList));
    assert.equal(isIndexMediaType(mt.ociManifest), false);
    assert.equal(isIndexMediaType("application/json"), false);
  });

  it("checks the RFC 6838 shape", () => {
    assert.ok(isMediaTypeShape("application/vnd.cncf.helm.config.v1+json"));
    for (const bad of ["", "sbom", "a/", "/b", "a/b; x=y", "a b/c", `a/${"x".repeat(128)}`]) {
      assert.equal(isMediaTypeShape(bad), false, bad);
    }
  });
});
