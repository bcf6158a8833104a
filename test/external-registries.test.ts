/**
 * @module
 * External registries end to end, as a vendor uses them: through the
 * management API and `wharf external …` against a real Wharf, with Debian's
 * `docker-registry` behind htpasswd Basic auth as the upstream. Adding,
 * listing, showing, changing and removing; refusals that say what to change
 * (a bad short name, a port without a short name, http without --insecure);
 * `wharf external test` answering ok, E_AUTH, E_NOT_FOUND and E_UNREACHABLE
 * in one line; only owners and admins changing anything; and no password in
 * any answer, in the server's log or in the raw database file.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushTestImage, type TestImage } from "../src/registry-client/testing/test-image.ts";
import { useWharfWithLoopbackUpstreams } from "./support/loopback-upstreams.ts";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { adminPassword } from "./support/start-wharf.ts";
import { createWharfCli, describeRun, type WharfCli } from "./support/wharf-cli.ts";

const alicePassword = "alice-password-1";
const bobPassword = "bob-password-12";
const wrongPassword = "definitely-not-the-password";
const as = { alice: ["alice", alicePassword], bob: ["bob", bobPassword] } as const;
const base = "/orgs/acme/external-registries";

describe("external registries", { skip: distributionUnavailable() }, () => {
  const wharf = useWharfWithLoopbackUpstreams({ env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  let api: ReturnType<typeof createManagementClient>;
  let registry: DistributionServer;
  let image: TestImage;
  let scratch: string;
  let alice: WharfCli;
  let bob: WharfCli;

  before(async () => {
    registry = await startDistribution(testUser);
    const authorization = basicAuth(testUser.username, testUser.password);
    image = await pushTestImage({ host: registry.host, authorization }, "team/app", ["1.0"]);
    api = createManagementClient(wharf.url);
    const admin = ["admin", adminPassword] as const;
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "alice", password: alicePassword } });
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "bob", password: bobPassword } });
    await api.expect(201, "POST", "/orgs", { as: as.alice, body: { name: "acme" } });
    await api.expect(200, "PUT", "/orgs/acme/members/bob", { as: as.alice, body: {} });
    scratch = await mkdtemp(join(tmpdir(), "wharf-external-"));
    alice = createWharfCli(join(scratch, "alice"));
    bob = createWharfCli(join(scratch, "bob"));
    await alice.ok(["login", wharf.url, "-u", "alice", "--password-stdin"], `${alicePassword}\n`);
    await bob.ok(["login", wharf.url, "-u", "bob", "--password-stdin"], `${bobPassword}\n`);
  });
  after(async () => {
    await registry?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Runs `wharf external test`; asserts the exit status (0 only for ok) and the code; returns the one line. */
  async function externalTest(name: string, code: string, ...imageArg: string[]): Promise<string> {
    const args = ["external", "test", name, "--org", "acme", ...imageArg];
    const run = await alice.run(args);
    assert.equal(run.code, code === "ok" ? 0 : 1, describeRun(args, run));
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1, describeRun(args, run));
    assert.equal(lines[0]!.split(" ")[0], code, describeRun(args, run));
    return lines[0]!;
  }

  test("the CLI adds a registry on a port under a short name, over http with --insecure; list and show", async () => {
    const args = ["external", "add", "dist", "--org", "acme", "--registry", registry.host, "--insecure"];
    const added = await alice.ok(
      [...args, "--username", testUser.username, "--password-stdin"],
      `${testUser.password}\n`,
    );
    assert.match(added, new RegExp(`Added external registry dist in acme for ${registry.host} \\(plain http\\)`));
    const listed = await alice.ok(["external", "list", "--org", "acme"]);
    assert.match(listed, /^NAME +REGISTRY +USERNAME +UPDATED/);
    assert.match(listed, new RegExp(`dist +${registry.host} \\(plain http\\) +${testUser.username}`));
    const shown = JSON.parse(await bob.ok(["external", "show", "dist", "--org", "acme", "--output", "json"]));
    assert.deepEqual(
      [shown.name, shown.host, shown.url, shown.prefix, shown.insecure, shown.username, shown.keyVersion],
      ["dist", registry.host, `http://${registry.host}`, "", true, testUser.username, 1],
    );
  });

  test("the API adds, reads, changes and removes a registry; answers never hold the password", async () => {
    const added = await api.expect(201, "POST", base, {
      as: as.alice,
      body: { name: "quay", registry: "quay.io/acme", username: "acme+puller", password: "quay-token-abcdef" },
    });
    api.secret("quay-token-abcdef", undefined);
    assert.deepEqual([added.body.host, added.body.prefix, added.body.url], ["quay.io", "acme", "https://quay.io"]);
    const hub = await api.expect(201, "POST", base, { as: as.alice, body: { registry: "index.docker.io/acme" } });
    assert.deepEqual(
      [hub.body.name, hub.body.host, hub.body.url],
      ["docker-io", "docker.io", "https://registry-1.docker.io"],
    );
    const listed = await api.expect(200, "GET", base, { as: as.bob });
    assert.deepEqual(
      listed.body.registries.map((r: { name: string }) => r.name),
      ["dist", "docker-io", "quay"],
    );
    const changed = await api.expect(200, "PATCH", `${base}/quay`, {
      as: as.alice,
      body: { name: "quay-acme", prefix: "acme/team", password: "quay-token-changed" },
    });
    api.secret("quay-token-changed", undefined);
    assert.deepEqual([changed.body.name, changed.body.prefix], ["quay-acme", "acme/team"]);
    await api.expect(200, "GET", `${base}/quay-acme`, { as: as.alice });
    await api.refuse(404, "NOT_FOUND", "GET", `${base}/quay`, { as: as.alice });
    await api.expect(204, "DELETE", `${base}/docker-io`, { as: as.alice });
    await api.refuse(404, "NOT_FOUND", "DELETE", `${base}/docker-io`, { as: as.alice });
    await api.refuse(409, "CONFLICT", "POST", base, { as: as.alice, body: { name: "dist", registry: "ghcr.io" } });
    assert.deepEqual(api.leaks(), []);
  });

  test("refusals say what to change", async () => {
    const bad = await api.refuse(400, "INVALID_REQUEST", "POST", base, {
      as: as.alice,
      body: { name: "Not_A_Label", registry: "ghcr.io" },
    });
    assert.match(bad, /short name "Not_A_Label" must be a DNS label/);
    const port = await api.refuse(400, "INVALID_REQUEST", "POST", base, {
      as: as.alice,
      body: { registry: "registry.example.com:5000" },
    });
    assert.match(port, /needs a short name, because a proxy path cannot hold a port/);
    const http = await alice.fails([
      "external",
      "add",
      "plain",
      "--org",
      "acme",
      "--registry",
      `http://${registry.host}`,
    ]);
    assert.match(http, /uses http:\/\/: use https:\/\/, or mark the registry insecure/);
    const noPassword = await api.refuse(400, "INVALID_REQUEST", "POST", base, {
      as: as.alice,
      body: { name: "half", registry: "ghcr.io", username: "someone" },
    });
    assert.match(noPassword, /give the password or token for username "someone"/);
  });

  test("external test: ok after logging in and reading the catalog, ok for an image, with its digest", async () => {
    assert.match(
      await externalTest("dist", "ok"),
      new RegExp(`^ok logged in to ${registry.host} as ${testUser.username}; the catalog lists 1 repositories`),
    );
    const line = await externalTest("dist", "ok", "team/app:1.0");
    assert.ok(line.includes(image.amd64.digest), line);
    assert.match(line, new RegExp(`${registry.host}/team/app:1\\.0 can be pulled through external registry dist`));
  });

  test("external test: E_NOT_FOUND for a missing image, E_AUTH for a wrong password, E_UNREACHABLE for a closed port", async () => {
    assert.match(await externalTest("dist", "E_NOT_FOUND", "team/app:missing"), /no such repository or tag/);
    await alice.ok(
      [
        "external",
        "add",
        "dist-wrong",
        "--org",
        "acme",
        "--registry",
        `http://${registry.host}`,
        "--insecure",
        "--username",
        testUser.username,
        "--password-stdin",
      ],
      `${wrongPassword}\n`,
    );
    const auth = await externalTest("dist-wrong", "E_AUTH");
    assert.match(auth, /the registry refused the username or password of external registry dist-wrong/);
    assert.ok(!auth.includes(wrongPassword));
    await externalTest("dist-wrong", "E_AUTH", "team/app:1.0");
    const port = await closedPort();
    await alice.ok(["external", "add", "closed", "--org", "acme", "--registry", `127.0.0.1:${port}`, "--insecure"]);
    assert.match(await externalTest("closed", "E_UNREACHABLE"), new RegExp(`could not reach 127\\.0\\.0\\.1:${port}`));
    const json = JSON.parse(
      await alice.ok(["external", "test", "dist", "team/app:1.0", "--org", "acme", "--output", "json"]),
    );
    assert.deepEqual([json.code, json.digest, json.registry], ["ok", image.amd64.digest, "dist"]);
  });

  test("the CLI updates and removes; a fixed password makes the test pass", async () => {
    await alice.ok(["external", "update", "dist-wrong", "--org", "acme", "--password-stdin"], `${testUser.password}\n`);
    await externalTest("dist-wrong", "ok", "team/app:1.0");
    const renamed = await alice.ok([
      "external",
      "update",
      "dist-wrong",
      "--org",
      "acme",
      "--name",
      "dist-2",
      "--prefix",
      "team",
    ]);
    assert.match(renamed, /Updated external registry dist-2 in acme \(name, prefix\)/);
    await externalTest("dist-2", "ok", "app:1.0");
    await alice.ok(["external", "remove", "dist-2", "--org", "acme"]);
    assert.match(await alice.fails(["external", "show", "dist-2", "--org", "acme"]), /no external registry "dist-2"/);
  });

  test("members read but may not add, change, test or remove; outsiders may not read", async () => {
    const denied = /only an owner or admin of organization "acme" may/;
    assert.match(await bob.fails(["external", "add", "mine", "--org", "acme", "--registry", "ghcr.io"]), denied);
    assert.match(await bob.fails(["external", "test", "dist", "--org", "acme"]), denied);
    await api.refuse(403, "DENIED", "PATCH", `${base}/dist`, { as: as.bob, body: { prefix: "x" } });
    await api.refuse(403, "DENIED", "DELETE", `${base}/dist`, { as: as.bob });
    await api.expect(200, "GET", base, { as: as.bob });
    await api.refuse(401, "UNAUTHORIZED", "GET", base);
    await api.expect(201, "POST", "/orgs", { as: as.bob, body: { name: "bobco" } });
    await api.refuse(403, "DENIED", "GET", "/orgs/bobco/external-registries", { as: as.alice });
  });

  test("wharf secrets rotate-key re-encrypts external registries too, and they still log in", async () => {
    const report = await api.expect(200, "POST", "/secrets/rotate-key", { as: ["admin", adminPassword] });
    assert.equal(report.body.keyVersion, 2);
    assert.deepEqual(report.body.failed, []);
    const shown = JSON.parse(await alice.ok(["external", "show", "dist", "--org", "acme", "--output", "json"]));
    assert.equal(shown.keyVersion, 2);
    await externalTest("dist", "ok", "team/app:1.0");
  });

  test("the OpenAPI document lists the routes", async () => {
    const doc = (await api.expect(200, "GET", "/openapi.json")).body;
    assert.ok(doc.paths["/api/v1/orgs/{org}/external-registries"]?.post);
    assert.ok(doc.paths["/api/v1/orgs/{org}/external-registries/{external}/test"]?.post);
  });

  test("no password in the server's log, in any answer or in the raw database file", async () => {
    assert.deepEqual(api.leaks(), []);
    const files = ["wharf.db", "wharf.db-wal"].map((f) => join(wharf.dataDir, f));
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(f).catch(() => Buffer.alloc(0)))));
    for (const secret of [testUser.password, wrongPassword, "quay-token-abcdef", "quay-token-changed"]) {
      assert.ok(!wharf.output().includes(secret), `the log contains ${secret.slice(0, 8)}…`);
      assert.ok(!bytes.includes(Buffer.from(secret)), `the database contains ${secret.slice(0, 8)}…`);
    }
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
