import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseDigest } from "../digest/digest.ts";
import { blobOffloader } from "./blob-offload.ts";

const digest = parseDigest(`sha256:${"ab".repeat(32)}`);
const file = `blobs/sha256/ab/${"ab".repeat(32)}`;

describe("blob offload settings", () => {
  test("off unless offload or accelRedirect is set", () => {
    assert.equal(blobOffloader({}, "/srv/blobs"), undefined);
    assert.equal(blobOffloader({ offload: "none" }, "/srv/blobs"), undefined);
  });

  test("accelRedirect alone keeps meaning X-Accel-Redirect under its prefix", () => {
    assert.deepEqual(blobOffloader({ accelRedirect: "/_internal" }, "/srv/blobs")?.(digest), {
      kind: "x-accel-redirect",
      target: `/_internal/${file}`,
    });
  });

  test("x-accel-redirect without a prefix uses /_wharf_blobs", () => {
    assert.equal(
      blobOffloader({ offload: "x-accel-redirect" }, "/srv/blobs")?.(digest).target,
      `/_wharf_blobs/${file}`,
    );
  });

  test("x-sendfile names the blob's absolute file path, even for a relative storage root", () => {
    assert.deepEqual(blobOffloader({ offload: "x-sendfile" }, "/srv/blobs")?.(digest), {
      kind: "x-sendfile",
      target: `/srv/blobs/${file}`,
    });
    assert.equal(
      blobOffloader({ offload: "x-sendfile" }, "data/blobs")?.(digest).target,
      `${process.cwd()}/data/blobs/${file}`,
    );
  });
});
