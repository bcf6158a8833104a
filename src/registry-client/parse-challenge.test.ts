/**
 * @module
 * The challenge parser against the header shapes registries really send.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseChallenges } from "./parse-challenge.ts";

describe("parseChallenges", () => {
  it("reads Docker Hub's Bearer challenge", () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    assert.deepEqual(parseChallenges(header), [
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/alpine:pull",
        },
      },
    ]);
  });

  it("keeps commas, equals signs and escapes inside quoted values", () => {
    const [challenge] = parseChallenges(
      'Bearer realm="https://t.example/token?a=1,b=2", scope="repository:a/b:pull,push", error="say \\"hi\\""',
    );
    assert.equal(challenge?.params.realm, "https://t.example/token?a=1,b=2");
    assert.equal(challenge?.params.scope, "repository:a/b:pull,push");
    assert.equal(challenge?.params.error, 'say "hi"');
  });

  it("reads Basic and lower-cases schemes and parameter names", () => {
    assert.deepEqual(parseChallenges('BASIC Realm="basic-realm"'), [
      { scheme: "basic", params: { realm: "basic-realm" } },
    ]);
  });

  it("splits several challenges in one header (repeated headers joined by Node)", () => {
    const challenges = parseChallenges('Basic realm="r1", Bearer realm="https://a/token", service="svc",Negotiate');
    assert.deepEqual(
      challenges.map((c) => [c.scheme, c.params]),
      [
        ["basic", { realm: "r1" }],
        ["bearer", { realm: "https://a/token", service: "svc" }],
        ["negotiate", {}],
      ],
    );
  });

  it("accepts unquoted values, bare URLs, and spaces around '='", () => {
    const [challenge] = parseChallenges("Bearer realm = https://a.example/token , service=svc");
    assert.deepEqual(challenge?.params, { realm: "https://a.example/token", service: "svc" });
  });

  it("reads a token68 challenge and the next challenge after it", () => {
    const challenges = parseChallenges('Negotiate abc+/9==, Basic realm="x"');
    assert.equal(challenges[0]?.token68, "abc+/9==");
    assert.deepEqual(challenges[1], { scheme: "basic", params: { realm: "x" } });
  });

  it("keeps the first value of a repeated parameter and survives junk", () => {
    assert.deepEqual(parseChallenges('Bearer realm="a", realm="b"')[0]?.params, { realm: "a" });
    assert.deepEqual(parseChallenges(""), []);
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges(', ,"oops", Basic realm="x"').at(-1), {
      scheme: "basic",
      params: { realm: "x" },
    });
    assert.equal(parseChallenges('Bearer realm="unterminated')[0]?.params.realm, "unterminated");
  });
});
