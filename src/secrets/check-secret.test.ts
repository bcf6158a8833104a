/**
 * @module
 * The secret check against a real registry on loopback — Debian's
 * `docker-registry` (CNCF Distribution) behind htpasswd Basic auth — and
 * the answers users meet: the right password, a wrong one, a missing image,
 * a closed port, every platform of an index; plus the answers given without
 * a request (bad reference, another registry), the password never echoed.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import {
  createLoopbackClient,
  skipReason,
  testUser,
  useRegistryFixture,
} from "../registry-client/testing/registry-fixture.ts";
import { checkSecret, type SecretToCheck, secretCheckCodes } from "./check-secret.ts";
import { normalizeRegistryUrl } from "./registry-url.ts";

const fixture = useRegistryFixture({ basicAuth: true });
/** The registries here listen on loopback, which the default outbound guard refuses. */
const viaLoopback = { createClient: createLoopbackClient };

/** A secret for `registry` (served over http) holding `password`. */
function secretFor(registry: string, password: string, name = "lab"): SecretToCheck {
  const location = normalizeRegistryUrl(`http://${registry}`, { insecure: true });
  assert.ok(location.ok);
  const { ok: _, ...rest } = location;
  return {
    name,
    registry: rest,
    insecure: true,
    credential: { kind: "password", registryKey: rest.key, username: testUser.username, password },
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("checkSecret against Distribution with htpasswd", { skip: skipReason }, () => {
  it("answers ok with the right password, naming the digest", async () => {
    const { server, image } = fixture();
    const result = await checkSecret(
      secretFor(server.host, testUser.password),
      `${server.host}/team/app:amd64`,
      viaLoopback,
    );
    assert.equal(result.code, "ok", result.message);
    assert.equal(result.digest, image.amd64.digest);
    assert.equal(
      result.message,
      `ok: ${server.host}/team/app:amd64 can be pulled with secret lab (${image.amd64.digest})`,
    );
  });

  it("checks every platform manifest of an index when asked", async () => {
    const { server, image } = fixture();
    const secret = secretFor(server.host, testUser.password);
    const result = await checkSecret(secret, `${server.host}/team/app:multi`, { ...viaLoopback, allPlatforms: true });
    assert.deepEqual([result.code, result.digest, result.platformsChecked], ["ok", image.index.digest, 2]);
    const single = await checkSecret(secret, `${server.host}/team/app@${image.arm64.digest}`, {
      ...viaLoopback,
      allPlatforms: true,
    });
    assert.deepEqual([single.code, single.platformsChecked], ["ok", 0]);
  });

  it("answers E_AUTH for a wrong password, without echoing it", async () => {
    const { server } = fixture();
    const wrong = `${testUser.password}-but-wrong`;
    const result = await checkSecret(secretFor(server.host, wrong), `${server.host}/team/app:amd64`, viaLoopback);
    assert.equal(result.code, "E_AUTH");
    assert.ok(
      result.message.startsWith(
        `could not pull ${server.host}/team/app:amd64: the registry refused the username or password in secret lab`,
      ),
      result.message,
    );
    assert.ok(!JSON.stringify(result).includes(wrong));
    assert.ok(!result.message.includes("\n"));
  });

  it("answers E_NOT_FOUND for a missing tag or repository", async () => {
    const { server } = fixture();
    const secret = secretFor(server.host, testUser.password);
    for (const image of [`${server.host}/team/app:nope`, `${server.host}/team/missing`]) {
      const result = await checkSecret(secret, image, viaLoopback);
      assert.equal(result.code, "E_NOT_FOUND", result.message);
    }
  });

  it("answers E_UNREACHABLE for a closed port", async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const result = await checkSecret(secretFor(host, "whatever"), `${host}/team/app:1.0`, viaLoopback);
    assert.equal(result.code, "E_UNREACHABLE");
    assert.match(result.message, new RegExp(`^could not reach the registry of ${host}/team/app:1\\.0: .*ECONNREFUSED`));
  });
});

describe("checkSecret without a request", () => {
  const hub: SecretToCheck = {
    name: "docker-hub",
    registry: {
      kind: "docker-hub",
      url: "https://index.docker.io/v1/",
      host: "docker.io",
      key: "https://index.docker.io/v1/",
    },
    insecure: false,
    credential: { kind: "password", registryKey: "https://index.docker.io/v1/", username: "jane", password: "hub-pw" },
  };
  const neverCalled = () => {
    throw new Error("no request may be sent");
  };

  it("answers E_INVALID_REFERENCE with the parser's explanation", async () => {
    const result = await checkSecret(hub, "Alpine:3", { createClient: neverCalled });
    assert.equal(result.code, "E_INVALID_REFERENCE");
    assert.match(result.message, /repository name must be lowercase/);
  });

  it("answers E_REGISTRY_MISMATCH when the secret is not for the image's registry", async () => {
    const quay = secretFor("quay.io", "pw", "quay");
    const result = await checkSecret(quay, "alpine", { createClient: neverCalled });
    assert.equal(result.code, "E_REGISTRY_MISMATCH");
    assert.equal(result.image, "docker.io/library/alpine:latest");
    assert.match(
      result.message,
      /^secret quay holds credentials for quay\.io, not for docker\.io\/library\/alpine:latest/,
    );
    const scoped = secretFor("registry.acme.com/team", "pw", "team");
    const outside = await checkSecret(scoped, "registry.acme.com/other/app:1", { createClient: neverCalled });
    assert.equal(outside.code, "E_REGISTRY_MISMATCH");
  });

  it("dials Docker Hub as registry-1.docker.io with the secret's credentials only there", async () => {
    const seen: string[] = [];
    const result = await checkSecret(hub, "index.docker.io/library/alpine", {
      createClient: (options) => {
        const credentials = options.credentials as (host: string) => unknown;
        const insecure = options.insecure as (host: string) => boolean;
        seen.push(
          `${JSON.stringify(credentials("registry-1.docker.io"))} ${credentials("auth.docker.io")} ${insecure("registry-1.docker.io")}`,
        );
        return {
          headManifest: async () => ({
            ok: false,
            failure: { kind: "rate-limited", message: "hub-pw too many", retryAfterSeconds: 30 },
          }),
        } as never;
      },
    });
    assert.deepEqual(seen, ['{"username":"jane","password":"hub-pw"} undefined false']);
    assert.deepEqual([result.code, result.retryAfterSeconds], ["E_RATE_LIMITED", 30]);
    assert.match(result.message, /try again in 30 s \(\[redacted\] too many\)/);
  });

  it("has stable codes", () => {
    assert.deepEqual(secretCheckCodes, [
      "ok",
      "E_AUTH",
      "E_FORBIDDEN",
      "E_NOT_FOUND",
      "E_RATE_LIMITED",
      "E_UNREACHABLE",
      "E_TLS",
      "E_PROTOCOL",
      "E_INVALID_REFERENCE",
      "E_REGISTRY_MISMATCH",
      "E_FORBIDDEN_TARGET",
    ]);
  });
});
