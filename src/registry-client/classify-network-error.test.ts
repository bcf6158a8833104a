/**
 * @module
 * Which connection errors mean "TLS", "unreachable" or "protocol". The
 * codes are those Node and OpenSSL put on real errors; live TLS and
 * refused-connection cases run against a real registry in check-base.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyNetworkError, isTlsCode, RequestTimeoutError } from "./classify-network-error.ts";

function kindOf(error: unknown): string {
  const result = classifyNetworkError(error, "GET https://r.example/v2/");
  return result.ok ? "ok" : result.failure.kind;
}

function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

test("certificate and TLS errors are tls", () => {
  for (const code of [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "ERR_SSL_WRONG_VERSION_NUMBER",
    "EPROTO",
  ]) {
    assert.ok(isTlsCode(code), code);
    assert.equal(kindOf(coded(code)), "tls", code);
  }
});

test("codes are found in causes and aggregated errors", () => {
  const wrapped = new TypeError("fetch failed", { cause: coded("CERT_NOT_YET_VALID") });
  assert.equal(kindOf(wrapped), "tls");
  const aggregate = new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")], "");
  assert.equal(kindOf(aggregate), "unreachable");
  const result = classifyNetworkError(aggregate, "GET http://localhost:1/v2/");
  assert.ok(!result.ok && result.failure.message.endsWith("ECONNREFUSED"));
});

test("connection failures and timeouts are unreachable", () => {
  for (const code of ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "EAI_AGAIN", "EHOSTUNREACH"]) {
    assert.equal(kindOf(coded(code)), "unreachable", code);
  }
  assert.equal(kindOf(new RequestTimeoutError(50)), "unreachable");
  assert.equal(kindOf("weird"), "unreachable");
});

test("HTTP parser errors are protocol", () => {
  assert.equal(kindOf(coded("HPE_INVALID_CONSTANT", "Parse Error")), "protocol");
});

test("OpenSSL's internals are cut from the message", () => {
  const error = coded(
    "ERR_SSL_WRONG_VERSION_NUMBER",
    "40ADAF5AFE7E0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/ssl/record.c:77:\n",
  );
  const result = classifyNetworkError(error, "GET https://r.example/v2/");
  assert.ok(!result.ok);
  assert.equal(
    result.failure.message,
    "GET https://r.example/v2/: TLS failure: ERR_SSL_WRONG_VERSION_NUMBER wrong version number",
  );
});
