/**
 * @module
 * Tests of importing a Docker `config.json`, with fixtures shaped like the
 * files `docker login` really writes: inline `auth`, `credsStore` with empty
 * entries, `credHelpers` (gcloud, ecr-login), identity tokens, and the errors
 * for invalid JSON or base64.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { importDockerConfig } from "./docker-config-import.ts";
import { dockerHubRegistry, dockerHubRegistryKey } from "./registry-url.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

const inlineAuths = JSON.stringify({
  auths: {
    "https://index.docker.io/v1/": { auth: b64("janedoe:pa:ss:word") },
    "quay.io": { auth: b64("acme+robot:TOKEN123"), email: "ops@acme.com" },
    "registry.acme.com:5000": { username: "ci", password: "s3cr3t" },
    "http://localhost:5000": { auth: b64("admin:admin") },
  },
  HttpHeaders: { "User-Agent": "Docker-Client/24.0.7 (linux)" },
});

const withCredsStore = JSON.stringify({
  auths: { "https://index.docker.io/v1/": {}, "ghcr.io": {} },
  credsStore: "osxkeychain",
});

const withCredHelpers = JSON.stringify({
  auths: { "quay.io": { auth: b64("jane:pw") }, "gcr.io": {} },
  credHelpers: {
    "gcr.io": "gcloud",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
  },
});

const withIdentityToken = JSON.stringify({
  auths: {
    "myregistry.azurecr.io": {
      auth: b64("00000000-0000-0000-0000-000000000000:"),
      identitytoken: "eyJhbGciOi.refresh",
    },
    "registry.example.com": { identitytoken: "opaque-token" },
  },
});

function throwsNaming(text: string, part: string): void {
  assert.throws(
    () => importDockerConfig(text),
    (error) => isDomainError(error, "invalid-input") && error.message.includes(part),
  );
}

describe("importDockerConfig", () => {
  test("decodes inline auth, username/password and http:// keys", () => {
    const { secrets, notes } = importDockerConfig(inlineAuths);
    assert.deepEqual(notes, []);
    assert.deepEqual(
      secrets.map((s) => [
        s.suggestedName,
        s.registryKey,
        s.kind,
        s.username,
        s.kind === "password" && s.password,
        s.insecure,
      ]),
      [
        ["docker-hub", dockerHubRegistryKey, "password", "janedoe", "pa:ss:word", false],
        ["quay-io", "quay.io", "password", "acme+robot", "TOKEN123", false],
        ["registry-acme-com-5000", "registry.acme.com:5000", "password", "ci", "s3cr3t", false],
        ["localhost-5000", "localhost:5000", "password", "admin", "admin", true],
      ],
    );
    assert.deepEqual(secrets[0]!.registry, dockerHubRegistry);
    assert.equal(secrets[1]!.email, "ops@acme.com");
    assert.equal("email" in secrets[0]!, false);
    assert.equal(secrets[3]!.registry.url, "http://localhost:5000");
    assert.equal(secrets[3]!.sourceKey, "http://localhost:5000");
  });

  test("explains registries a credsStore holds instead of failing silently", () => {
    const { secrets, notes } = importDockerConfig(withCredsStore);
    assert.deepEqual(secrets, []);
    assert.deepEqual(notes, [
      "credentials for https://index.docker.io/v1/ are held by the credential helper 'docker-credential-osxkeychain': export them with `echo https://index.docker.io/v1/ | docker-credential-osxkeychain get` and create the secret with --username/--password-stdin",
      "credentials for ghcr.io are held by the credential helper 'docker-credential-osxkeychain': export them with `echo ghcr.io | docker-credential-osxkeychain get` and create the secret with --username/--password-stdin",
    ]);
  });

  test("a credsStore with no auths entries gets one note saying how to list them", () => {
    const { notes } = importDockerConfig(JSON.stringify({ auths: {}, credsStore: "desktop" }));
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /docker-credential-desktop list/);
  });

  test("notes every credHelpers registry once and imports the rest", () => {
    const { secrets, notes } = importDockerConfig(withCredHelpers);
    assert.deepEqual(
      secrets.map((s) => s.suggestedName),
      ["quay-io"],
    );
    assert.equal(notes.length, 2);
    assert.match(
      notes[0]!,
      /^credentials for gcr\.io are held by the credential helper 'docker-credential-gcloud': export them with `echo gcr\.io \| docker-credential-gcloud get`/,
    );
    assert.match(notes[1]!, /123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com \| docker-credential-ecr-login get/);
  });

  test("matches a credHelpers registry to its auths entry when spelled differently", () => {
    const text = JSON.stringify({
      auths: { "https://gcr.io": {} },
      credHelpers: { "gcr.io": "gcloud" },
    });
    const { notes } = importDockerConfig(text);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /docker-credential-gcloud/);
  });

  test("keeps identity tokens as their own kind", () => {
    const { secrets, notes } = importDockerConfig(withIdentityToken);
    assert.deepEqual(notes, []);
    assert.deepEqual(
      secrets.map((s) => [s.suggestedName, s.kind, s.username, s.kind === "identity-token" && s.identityToken]),
      [
        ["myregistry-azurecr-io", "identity-token", "00000000-0000-0000-0000-000000000000", "eyJhbGciOi.refresh"],
        ["registry-example-com", "identity-token", "<token>", "opaque-token"],
      ],
    );
  });

  test("explains entries it skips", () => {
    const text = JSON.stringify({
      auths: {
        "quay.io": {},
        "ghcr.io": { username: "jane" },
        "registry.example.com": { registrytoken: "short-lived" },
        "not a host": { auth: b64("a:b") },
        "gitlab.example.com": { username: "a:b", password: "pw" },
      },
    });
    const { secrets, notes } = importDockerConfig(text);
    assert.deepEqual(secrets, []);
    const expected = [
      "holds no credentials",
      "username but no password",
      "registry token",
      "contains a space",
      "must not contain ':'",
    ];
    assert.equal(notes.length, expected.length);
    for (const [i, part] of expected.entries()) {
      assert.ok(notes[i]!.includes(part), `${notes[i]} lacks ${part}`);
    }
  });

  test("imports one registry spelled twice once, and two credentials with distinct names", () => {
    const same = JSON.stringify({
      auths: {
        "docker.io": { auth: b64("a:b") },
        "https://index.docker.io/v1/": { auth: b64("a:b") },
      },
    });
    const once = importDockerConfig(same);
    assert.equal(once.secrets.length, 1);
    assert.match(once.notes[0]!, /same credentials: imported once/);
    const twice = importDockerConfig(
      JSON.stringify({
        auths: { "docker.io": { auth: b64("a:b") }, "index.docker.io": { auth: b64("c:d") } },
      }),
    );
    assert.deepEqual(
      twice.secrets.map((s) => s.suggestedName),
      ["docker-hub", "docker-hub-2"],
    );
  });

  test("refuses invalid JSON and malformed entries, naming them", () => {
    throwsNaming("{ auths: ", "not valid JSON");
    throwsNaming("[]", "must be a JSON object");
    throwsNaming(JSON.stringify({ auths: [] }), '"auths" must be an object');
    throwsNaming(JSON.stringify({ credHelpers: { "gcr.io": 1 } }), '"credHelpers" must map');
    throwsNaming(JSON.stringify({ credsStore: "x; rm -rf ~" }), "credential helper");
    throwsNaming(JSON.stringify({ auths: { "quay.io": "abc" } }), 'auths entry "quay.io" must be an object');
    throwsNaming(
      JSON.stringify({ auths: { "quay.io": { auth: "not base64!" } } }),
      'auths entry "quay.io": "auth" is not valid base64',
    );
    throwsNaming(JSON.stringify({ auths: { "quay.io": { auth: b64("nocolon") } } }), "has no ':'");
    throwsNaming(
      JSON.stringify({
        auths: { "quay.io": { auth: Buffer.from([0xff, 0x3a]).toString("base64") } },
      }),
      "UTF-8",
    );
    throwsNaming(JSON.stringify({ auths: { "quay.io": { username: 5 } } }), '"username" must be a string');
  });
});
