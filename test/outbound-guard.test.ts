/**
 * @module
 * Server-side request forgery through `secret check`, end to end against
 * the real server. By default a pull secret for a loopback, unspecified,
 * link-local or private address — in any spelling, or Wharf's own port —
 * is checked without a single connection: the answer is
 * E_FORBIDDEN_TARGET naming `outbound.allow`, with no status, digest or
 * upstream text (a canary server on loopback sees nothing). With
 * `outbound.allow: [127.0.0.1/32]`, a real Distribution on 127.0.0.1 is
 * checked as usual, but a loopback server that redirects to
 * 169.254.169.254 or to [::1] is not followed.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushTestImage } from "../src/registry-client/testing/test-image.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { adminPassword, useWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, describeRun } from "./support/wharf-cli.ts";

const admin: Credentials = ["admin", adminPassword];
const canaryText = "UPSTREAM-CANARY-TEXT";
const canaryDigest = `sha256:${"c".repeat(64)}`;

/** A loopback HTTP server that records every request and answers like a registry that leaks. */
async function startCanary(): Promise<{ port: number; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response
      .writeHead(401, { "docker-content-digest": canaryDigest, "content-type": "application/json" })
      .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: canaryText }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, hits, server };
}

/** Creates (as admin, in org acme) secret `name` for `http://host` and checks `image` with it; the answer's body. */
async function checkThrough(
  api: ReturnType<typeof createManagementClient>,
  name: string,
  host: string,
  image = `${host}/acme/app:1.0`,
) {
  const secrets = "/orgs/acme/secrets";
  const body = {
    name,
    kind: "private-registry",
    registry: `http://${host}`,
    insecure: true,
    username: "u",
    password: "p",
  };
  await api.expect(201, "POST", secrets, { as: admin, body });
  const answer = await api.expect(200, "POST", `${secrets}/${name}/check`, { as: admin, body: { image } });
  return answer.body as { code: string; message: string; digest?: string };
}

describe("secret check by default (nothing special allowed)", () => {
  const wharf: WharfProcess = useWharf({ auth: true });
  let canary: Awaited<ReturnType<typeof startCanary>>;
  let api: ReturnType<typeof createManagementClient>;
  let scratch: string;
  before(async () => {
    canary = await startCanary();
    api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    scratch = await mkdtemp(join(tmpdir(), "wharf-outbound-"));
  });
  after(async () => {
    canary.server.closeAllConnections();
    await new Promise((resolve) => canary.server.close(resolve));
    await rm(scratch, { recursive: true, force: true });
  });

  test("refuses loopback, unspecified, link-local and private targets in every spelling, connecting nowhere", async () => {
    const port = canary.port;
    const targets: [string, RegExp][] = [
      [`127.0.0.1:${port}`, /127\.0\.0\.1 is a loopback address/],
      [`localhost:${port}`, /localhost resolves to (127\.0\.0\.1|::1); .* is a loopback address/],
      [`[::1]:${port}`, /::1 is a loopback address/],
      [`0.0.0.0:${port}`, /0\.0\.0\.0 is an unspecified address/],
      [`2130706433:${port}`, /127\.0\.0\.1 is a loopback address/],
      ["169.254.169.254", /169\.254\.169\.254 is a link-local address/],
      ["10.0.0.1:5000", /10\.0\.0\.1 is a private address/],
      [wharf.host, /127\.0\.0\.1 is a loopback address/],
    ];
    for (const [index, [host, reason]] of targets.entries()) {
      const result = await checkThrough(api, `target-${index}`, host);
      assert.equal(result.code, "E_FORBIDDEN_TARGET", `${host}: ${result.message}`);
      assert.match(result.message, reason, host);
      assert.match(
        result.message,
        /to allow it add its CIDR to outbound\.allow in the config \(WHARF_OUTBOUND__ALLOW\)/,
      );
      assert.equal(result.digest, undefined);
      assert.doesNotMatch(result.message, /HTTP \d{3}|UNAUTHORIZED|ECONNREFUSED|sha256:/, host);
      assert.ok(!result.message.includes(canaryText), host);
    }
    assert.deepEqual(canary.hits, [], "no request may reach the canary");
  });

  test("`wharf secret check` prints E_FORBIDDEN_TARGET and exits 1", async () => {
    const cli = createWharfCli(join(scratch, "admin"));
    await cli.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
    const args = ["secret", "check", "target-0", `127.0.0.1:${canary.port}/acme/app:1.0`, "--org", "acme"];
    const run = await cli.run(args);
    assert.equal(run.code, 1, describeRun(args, run));
    assert.match(
      run.stdout,
      /^E_FORBIDDEN_TARGET could not check 127\.0\.0\.1:\d+\/acme\/app:1\.0: refused by the outbound guard \(.*127\.0\.0\.1 is a loopback address.*outbound\.allow in the config \(WHARF_OUTBOUND__ALLOW\)\)\n$/,
      describeRun(args, run),
    );
    assert.deepEqual(canary.hits, []);
  });
});

describe("secret check with outbound.allow: [127.0.0.1/32]", { skip: distributionUnavailable() }, () => {
  const wharf: WharfProcess = useWharf({ auth: true, outboundAllow: ["127.0.0.1/32"] });
  let registry: DistributionServer;
  let redirector: Server;
  let redirectorPort = 0;
  const redirected: string[] = [];
  let api: ReturnType<typeof createManagementClient>;
  before(async () => {
    api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    registry = await startDistribution(testUser);
    await pushTestImage(
      { host: registry.host, authorization: basicAuth(testUser.username, testUser.password) },
      "acme/app",
      ["1.0"],
    );
    redirector = createServer((request, response) => {
      redirected.push(`${request.method} ${request.url}`);
      const target = request.url?.includes("/metadata/")
        ? "http://169.254.169.254/latest/meta-data/"
        : "http://[::1]:9/v2/";
      response.writeHead(307, { location: target }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    redirectorPort = (redirector.address() as AddressInfo).port;
  });
  after(async () => {
    await registry?.stop();
    redirector?.closeAllConnections();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  test("a loopback Distribution in the allowed range is checked as usual", async () => {
    const secrets = "/orgs/acme/secrets";
    const body = {
      name: "dist",
      kind: "private-registry",
      registry: `http://${registry.host}`,
      insecure: true,
      username: testUser.username,
      password: testUser.password,
    };
    await api.expect(201, "POST", secrets, { as: admin, body });
    const answer = await api.expect(200, "POST", `${secrets}/dist/check`, {
      as: admin,
      body: { image: `${registry.host}/acme/app:1.0` },
    });
    assert.equal(answer.body.code, "ok", answer.body.message);
    assert.match(answer.body.digest, /^sha256:[0-9a-f]{64}$/);
  });

  test("a redirect from the allowed server to 169.254.169.254 or [::1] is refused", async () => {
    const host = `127.0.0.1:${redirectorPort}`;
    const cases: [string, string, RegExp][] = [
      ["to-metadata", `${host}/metadata/app:1.0`, /169\.254\.169\.254 is a link-local address/],
      ["to-v6-loopback", `${host}/acme/app:1.0`, /::1 is a loopback address/],
    ];
    for (const [name, image, reason] of cases) {
      redirected.length = 0;
      const result = await checkThrough(api, name, host, image);
      assert.equal(result.code, "E_FORBIDDEN_TARGET", result.message);
      assert.match(result.message, reason);
      assert.equal(result.digest, undefined);
      assert.equal(redirected.length, 1, `exactly one request reached the redirector: ${redirected.join(", ")}`);
    }
  });

  test("loopback addresses outside the allowed /32 stay refused", async () => {
    const other = await checkThrough(api, "other", wharf.host.replace("127.0.0.1", "127.0.0.2"));
    assert.equal(other.code, "E_FORBIDDEN_TARGET", other.message);
    const v6 = await checkThrough(api, "v6", `[::1]:${wharf.host.split(":")[1]}`);
    assert.equal(v6.code, "E_FORBIDDEN_TARGET", v6.message);
  });
});
