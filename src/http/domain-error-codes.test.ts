import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AccountsError } from "../accounts/accounts-error.ts";
import { DeployError } from "../deploy/deploy-error.ts";
import { parseDigest } from "../digest/digest.ts";
import { DomainError } from "../errors/domain-error.ts";
import { errorCodes } from "../errors/error-codes.ts";
import { WharfError } from "../errors/wharf-error.ts";
import { ExternalRegistryError } from "../external/external-registry-error.ts";
import { GcError } from "../gc/gc-error.ts";
import { LicensingError } from "../licensing/licensing-error.ts";
import { parseManifest } from "../oci/parse-manifest.ts";
import { QuotaError } from "../quota/quota-error.ts";
import { RepositoryError } from "../registry/repository-error.ts";
import { ReleaseError } from "../releases/release-error.ts";
import { SecretsError } from "../secrets/secrets-error.ts";
import { WebhookError } from "../webhooks/webhook-error.ts";
import { domainErrorCodes, wireErrorForDomain } from "./domain-error-codes.ts";

function wire(error: unknown): WharfError {
  const mapped = wireErrorForDomain(error);
  assert.ok(mapped instanceof WharfError, `expected a WharfError for ${String(error)}`);
  return mapped;
}

describe("the one table from domain error kinds to wire codes", () => {
  it("maps every kind to a registered code", () => {
    for (const [kind, code] of Object.entries(domainErrorCodes)) {
      assert.ok(Object.hasOwn(errorCodes, code), `${kind} maps to unregistered ${code}`);
    }
  });

  it("gives the same kind the same code in every module, keeping the message", () => {
    for (const error of [
      new AccountsError("forbidden", "only a server administrator may do this"),
      new SecretsError("forbidden", "you are a member"),
    ]) {
      const written = wire(error);
      assert.equal(written.code, "DENIED");
      assert.equal(written.status, 403);
      assert.equal(written.message, error.message);
      assert.equal(written.detail, undefined);
      assert.deepEqual(written.hints, {});
    }
    assert.equal(wire(new DeployError("conflict", "taken")).code, "CONFLICT");
    assert.equal(wire(new AccountsError("unauthenticated", "log in")).status, 401);
    assert.equal(wire(new LicensingError("invalid", "bad e-mail")).code, "INVALID_REQUEST");
    assert.equal(wire(new ExternalRegistryError("not-found", "none")).code, "NOT_FOUND");
    assert.equal(wire(new ReleaseError("source", "quay.io refused")).code, "UNAVAILABLE");
  });

  it("splits a repository error's data into detail and hints", () => {
    const mismatch = wire(new RepositoryError("digest-invalid", "no", { expected: "sha256:a", actual: "sha256:b" }));
    assert.equal(mismatch.code, "DIGEST_INVALID");
    assert.deepEqual(mismatch.detail, { expected: "sha256:a", actual: "sha256:b" });
    assert.deepEqual(mismatch.hints, {});
    const outOfOrder = wire(new RepositoryError("upload-out-of-order", "later", { upload: { received: 5, id: "u" } }));
    assert.equal(outOfOrder.status, 416);
    assert.equal(outOfOrder.wireCode, "BLOB_UPLOAD_INVALID");
    assert.equal(outOfOrder.detail, undefined);
    assert.deepEqual(outOfOrder.hints, { upload: { received: 5, id: "u" } });
    const limited = wire(new RepositoryError("rate-limited", "wait", { retryAfterSeconds: 7 }));
    assert.deepEqual(limited.hints, { retryAfterSeconds: 7 });
  });

  it("writes the foundation's manifest and digest refusals as the OCI codes, with their detail", () => {
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      assert.fail("expected a refusal");
    };
    const invalid = wire(thrown(() => parseManifest(new TextEncoder().encode("[1]"), undefined)));
    assert.deepEqual([invalid.code, invalid.status, invalid.detail], ["MANIFEST_INVALID", 400, undefined]);
    assert.match(invalid.message, /^manifest is not valid JSON: expected an object at the top level/);
    const framing = wire(thrown(() => parseManifest(new TextEncoder().encode("{"), undefined)));
    assert.deepEqual([framing.code, framing.detail], ["MANIFEST_INVALID", { problem: "syntax" }]);
    const digest = wire(thrown(() => parseDigest("md5:00")));
    assert.deepEqual([digest.code, digest.status, digest.detail], ["DIGEST_INVALID", 400, undefined]);
    assert.match(digest.message, /^invalid digest "md5:00": expected sha256:<64 hex> or sha512:<128 hex>, lower case$/);
  });

  it("maps the quota, gc and webhook kinds, a quota refusal's numbers as detail", () => {
    const facts = { namespace: "shop", limit: 10, used: 8, size: 5 };
    const over = wire(new QuotaError("quota-exceeded", "over", { data: facts }));
    assert.deepEqual([over.code, over.status, over.detail, over.hints], ["DENIED", 403, facts, {}]);
    assert.equal(wire(new QuotaError("not-found", "none")).status, 404);
    assert.deepEqual(
      [wire(new GcError("conflict", "running")).code, wire(new GcError("conflict", "x")).status],
      ["CONFLICT", 409],
    );
    assert.equal(wire(new WebhookError("invalid", "url")).code, "INVALID_REQUEST");
    assert.equal(wire(new WebhookError("not-found", "none")).code, "NOT_FOUND");
    assert.equal(wire(new WebhookError("denied", "owners")).code, "DENIED");
  });

  it("leaves anything else alone, including kinds the table does not know", () => {
    const plain = new Error("bug");
    assert.equal(wireErrorForDomain(plain), plain);
    const stranger = new DomainError("no-such-kind", "?");
    assert.equal(wireErrorForDomain(stranger), stranger);
  });
});
