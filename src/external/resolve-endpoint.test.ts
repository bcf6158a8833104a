/**
 * @module
 * Endpoints as vendors type them: every well-known registry, ports, IPv6,
 * prefixes in the URL or apart, Docker Hub's spellings, and the insecure
 * rules — each refusal a sentence saying what to change.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Endpoint, resolveEndpoint } from "./resolve-endpoint.ts";
import { defaultShortName, validateShortName } from "./short-name.ts";

function resolves(registry: string, prefix: string | undefined, insecure: boolean, expected: Endpoint): void {
  const result = resolveEndpoint(registry, prefix, insecure);
  assert.ok(result.ok, `${registry}: ${JSON.stringify(result)}`);
  assert.deepEqual(result.endpoint, expected);
}

function refuses(registry: string, prefix: string | undefined, insecure: boolean, part: RegExp): void {
  const result = resolveEndpoint(registry, prefix, insecure);
  assert.ok(!result.ok, `${registry} was accepted`);
  assert.match(result.problems.join("; "), part);
}

const secure = (host: string, prefix = ""): Endpoint => ({ host, baseUrl: `https://${host}`, prefix, insecure: false });

describe("resolveEndpoint", () => {
  it("accepts the well-known registries, lower-cased, https by default", () => {
    resolves("quay.io", undefined, false, secure("quay.io"));
    resolves("GHCR.io/", undefined, false, secure("ghcr.io"));
    resolves("gcr.io/my-project", undefined, false, secure("gcr.io", "my-project"));
    const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    resolves(`https://${ecr}`, undefined, false, secure(ecr));
    resolves("harbor.example.com:8443/library", undefined, false, secure("harbor.example.com:8443", "library"));
  });

  it("turns every Docker Hub spelling into docker.io dialed at registry-1.docker.io", () => {
    const hub = (prefix = "") => ({
      host: "docker.io",
      baseUrl: "https://registry-1.docker.io",
      prefix,
      insecure: false,
    });
    resolves("docker.io", undefined, false, hub());
    resolves("index.docker.io", "acme", false, hub("acme"));
    resolves("https://index.docker.io/v1/", undefined, false, hub());
    resolves("registry-1.docker.io/acme", undefined, false, hub("acme"));
    refuses("docker.io", undefined, true, /https only/);
    refuses("docker.io:443", undefined, false, /no port or path/);
  });

  it("takes the prefix from the URL or the option, not two different ones; drops a pasted /v2", () => {
    resolves("quay.io/acme/team/", undefined, false, secure("quay.io", "acme/team"));
    resolves("quay.io", "/acme/", false, secure("quay.io", "acme"));
    resolves("quay.io/acme", "acme", false, secure("quay.io", "acme"));
    resolves("https://quay.io/v2/", undefined, false, secure("quay.io"));
    refuses("quay.io/acme", "other", false, /give the path in one place/);
    refuses("quay.io", "Acme", false, /not a repository path/);
    refuses("quay.io/a//b", undefined, false, /not a repository path/);
  });

  it("uses http only when insecure, and refuses https with insecure", () => {
    const lab = { host: "127.0.0.1:5001", baseUrl: "http://127.0.0.1:5001", prefix: "", insecure: true };
    resolves("127.0.0.1:5001", undefined, true, lab);
    resolves("http://127.0.0.1:5001", undefined, true, lab);
    resolves("[::1]:5000", undefined, true, {
      host: "[::1]:5000",
      baseUrl: "http://[::1]:5000",
      prefix: "",
      insecure: true,
    });
    refuses("http://registry.lab", undefined, false, /uses http:\/\/.*mark the registry insecure/);
    refuses("https://registry.lab", undefined, true, /uses https:\/\/ but is marked insecure/);
  });

  it("refuses what is not a registry host, saying what to change", () => {
    refuses("", undefined, false, /registry is empty/);
    refuses("ftp://quay.io", undefined, false, /scheme "ftp"/);
    refuses("user:pw@quay.io", undefined, false, /credentials before "@"/);
    refuses("quay.io:99999", undefined, false, /1 to 65535/);
    refuses("quay io", undefined, false, /contains a space/);
  });
});

describe("short names", () => {
  it("are DNS labels", () => {
    assert.equal(validateShortName("quay-acme"), undefined);
    assert.equal(validateShortName("a"), undefined);
    assert.match(validateShortName("")!, /empty/);
    assert.match(validateShortName("Quay")!, /DNS label/);
    assert.match(validateShortName("-quay")!, /DNS label/);
    assert.match(validateShortName("quay.io")!, /DNS label/);
    assert.match(validateShortName("x".repeat(64))!, /at most 63/);
  });

  it("default to the host with dots as dashes, never for a host with a port", () => {
    assert.equal(defaultShortName("quay.io"), "quay-io");
    assert.equal(defaultShortName("docker.io"), "docker-io");
    assert.equal(defaultShortName("127.0.0.1:5001"), undefined);
    assert.equal(defaultShortName(`${"a".repeat(40)}.${"b".repeat(40)}`), undefined);
  });
});
