import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WharfError } from "../errors/wharf-error.ts";
import { hintHeaders } from "./write-error.ts";

describe("error hints become headers only at the edge", () => {
  it("maps each hint to its header", () => {
    const error = new WharfError("TOOMANYREQUESTS", "slow down", {
      retryAfterSeconds: 30,
      allow: ["GET", "HEAD"],
      challenge: 'Basic realm="wharf"',
      upload: { received: 5, id: "u1" },
      resourceSize: 12,
    });
    assert.deepEqual(hintHeaders(error.hints), {
      "Retry-After": "30",
      Allow: "GET, HEAD",
      "WWW-Authenticate": 'Basic realm="wharf"',
      Range: "0-4",
      "Docker-Upload-UUID": "u1",
      "Content-Range": "bytes */12",
    });
  });

  it("writes no header for an error without hints, and keeps detail out of the hints", () => {
    const error = new WharfError("NOT_FOUND", undefined, { detail: { x: 1 } });
    assert.deepEqual(hintHeaders(error.hints), {});
    assert.deepEqual(error.detail, { x: 1 });
  });

  it("a code alone sets the status; a second status of a spec code keeps the spec's wire code", () => {
    const outOfOrder = new WharfError("BLOB_UPLOAD_RANGE_INVALID");
    assert.equal(outOfOrder.status, 416);
    assert.equal(outOfOrder.wireCode, "BLOB_UPLOAD_INVALID");
    const tooLarge = new WharfError("MANIFEST_TOO_LARGE");
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.wireCode, "MANIFEST_INVALID");
    assert.equal(new WharfError("DENIED").wireCode, "DENIED");
  });
});
