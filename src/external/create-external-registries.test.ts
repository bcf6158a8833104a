/**
 * @module
 * The external-registry service and the proxy's directory through their
 * public methods, on a real SQLite database: endpoints normalized (Docker
 * Hub, prefixes, ports, insecure), every broken rule named at once, who may
 * do what, audit events without a password, the directory's lookups by short
 * name and by host, and key rotation re-encrypting these rows too.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isWharfError } from "../errors/wharf-error.ts";
import { wireErrorForDomain } from "../http/domain-error-codes.ts";
import { createExternalRegistryStore } from "../metadata/kysely-external-registry-store.ts";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { createRegistryClient } from "../registry-client/create-registry-client.ts";
import {
  createLoopbackClient,
  skipReason,
  testUser,
  useRegistryFixture,
} from "../registry-client/testing/registry-fixture.ts";
import { ringWithNewVersion, type SecretsTestSetup, setUpSecrets } from "../secrets/testing/secrets-test-setup.ts";
import { createExternalRegistries, type ExternalRegistries } from "./create-external-registries.ts";
import { type ExternalRegistryDeps, ringOf } from "./external-registry-deps.ts";
import { ExternalRegistryError, type ExternalRegistryErrorKind } from "./external-registry-error.ts";

let t: SecretsTestSetup;
let external: ExternalRegistries;
let deps: ExternalRegistryDeps;
const password = "quay-robot-token-0123456789";

before(async () => {
  t = await setUpSecrets({ createRegistryClient: createLoopbackClient });
  deps = { ...t.deps, accounts: t.accounts, store: createExternalRegistryStore(t.db) };
  external = createExternalRegistries(deps);
  await t.accounts.createNamespace({
    name: "my-app",
    kind: "application",
    userId: null,
    orgId: (await t.accounts.findOrganization("acme"))!.id,
  });
});
after(() => t.close());

function refuses(kind: ExternalRegistryErrorKind, ...parts: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof ExternalRegistryError && error.kind === kind, `expected ${kind}, got ${String(error)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `"${error.message}" lacks "${part}"`);
    return true;
  };
}

describe("adding external registries", () => {
  it("normalizes an endpoint with a prefix in the URL, and shows it without the password", async () => {
    const view = await external.service.add(t.as("owner"), "acme", {
      name: "quay",
      registry: "HTTPS://Quay.io/acme/",
      username: "acme+puller",
      password,
    });
    assert.deepEqual(
      [view.name, view.host, view.url, view.prefix, view.insecure, view.username, view.keyVersion],
      ["quay", "quay.io", "https://quay.io", "acme", false, "acme+puller", 1],
    );
    assert.deepEqual(await external.service.get(t.as("member"), "acme", "quay"), view);
    assert.ok(!JSON.stringify(await external.service.list(t.as("member"), "acme")).includes(password));
  });

  it("turns every Docker Hub spelling into docker.io served by registry-1.docker.io; derives a short name", async () => {
    const hub = await external.service.add(t.as("admin"), "acme", {
      registry: "index.docker.io",
      prefix: "acme",
      username: "acmebot",
      password: "dckr_pat_x",
    });
    assert.deepEqual(
      [hub.name, hub.host, hub.url, hub.prefix],
      ["docker-io", "docker.io", "https://registry-1.docker.io", "acme"],
    );
    const ghcr = await external.service.add(t.as("owner"), "acme", { registry: "ghcr.io" });
    assert.deepEqual([ghcr.name, ghcr.username, ghcr.keyVersion], ["ghcr-io", null, null]);
  });

  it("takes http only when insecure, and needs a short name for a host with a port", async () => {
    const lab = await external.service.add(t.as("owner"), "acme", {
      name: "lab",
      registry: "127.0.0.1:5001",
      insecure: true,
      username: "u",
      password: "p4ss",
    });
    assert.deepEqual([lab.host, lab.url, lab.insecure], ["127.0.0.1:5001", "http://127.0.0.1:5001", true]);
    await assert.rejects(
      external.service.add(t.as("owner"), "acme", { registry: "registry.lab:5000", username: "u", password: "p" }),
      refuses("invalid", "needs a short name"),
    );
    await assert.rejects(
      external.service.add(t.as("owner"), "acme", { name: "plain", registry: "http://registry.lab" }),
      refuses("invalid", "uses http://", "insecure"),
    );
    await assert.rejects(
      external.service.add(t.as("owner"), "acme", { name: "hub2", registry: "docker.io", insecure: true }),
      refuses("invalid", "https only"),
    );
  });

  it("names every broken rule at once, and refuses a taken short name", async () => {
    await assert.rejects(
      external.service.add(t.as("owner"), "acme", {
        name: "Bad_Name",
        registry: "quay.io",
        prefix: "Acme Corp",
        username: "a:b",
      }),
      refuses("invalid", "DNS label", "not a repository path", "give the password", "':'"),
    );
    await assert.rejects(
      external.service.add(t.as("owner"), "acme", { name: "quay", registry: "quay.io" }),
      refuses("conflict", "already has an external registry"),
    );
  });
});

describe("changing, testing and removing", () => {
  it("renames, changes the prefix and the password, removes credentials, and audits without the password", async () => {
    const renamed = await external.service.update(t.as("owner"), "acme", "quay", {
      name: "quay-acme",
      prefix: "acme/team",
    });
    assert.deepEqual([renamed.name, renamed.prefix, renamed.host], ["quay-acme", "acme/team", "quay.io"]);
    const anonymous = await external.service.update(t.as("admin"), "acme", "quay-acme", { username: null });
    assert.deepEqual([anonymous.username, anonymous.keyVersion], [null, null]);
    await assert.rejects(
      external.service.update(t.as("owner"), "acme", "quay-acme", { password: "x" }),
      refuses("invalid", "has no username"),
    );
    await assert.rejects(
      external.service.update(t.as("owner"), "acme", "quay-acme", {}),
      refuses("invalid", "nothing to change"),
    );
    await external.service.update(t.as("owner"), "acme", "quay-acme", { username: "bot", password });
    await assert.rejects(
      external.service.update(t.as("owner"), "acme", "nope", { prefix: "x" }),
      refuses("not-found", "nope"),
    );
    const audited = t.audit.filter((e) => e.action.startsWith("external."));
    assert.ok(audited.some((e) => e.action === "external.update" && e.target === "external:acme/quay-acme"));
    assert.ok(!JSON.stringify(t.audit).includes(password));
  });

  it("denies members, outsiders, robots and anonymous callers what only owners and admins may", async () => {
    const denied = (code: string) => (error: unknown) => {
      const wire = wireErrorForDomain(error);
      return isWharfError(wire) && wire.code === code;
    };
    await assert.rejects(
      external.service.add(t.as("member"), "acme", { name: "m", registry: "quay.io" }),
      denied("DENIED"),
    );
    await assert.rejects(external.service.update(t.as("member"), "acme", "lab", { prefix: "x" }), denied("DENIED"));
    await assert.rejects(external.service.remove(t.as("member"), "acme", "lab"), denied("DENIED"));
    await assert.rejects(external.service.test(t.as("member"), "acme", "lab"), denied("DENIED"));
    await assert.rejects(external.service.list(t.as("outsider"), "acme"), denied("DENIED"));
    await assert.rejects(external.service.list(t.as("robot"), "acme"), denied("DENIED"));
    await assert.rejects(external.service.list(t.as("anonymous"), "acme"), denied("UNAUTHORIZED"));
  });

  it("removes a registry", async () => {
    await external.service.add(t.as("owner"), "acme", { name: "gone", registry: "gcr.io/acme-project" });
    await external.service.remove(t.as("owner"), "acme", "gone");
    await assert.rejects(external.service.get(t.as("owner"), "acme", "gone"), refuses("not-found"));
    assert.ok(t.audit.some((e) => e.action === "external.remove" && e.target === "external:acme/gone"));
  });
});

describe("the upstream directory", () => {
  it("finds a registry of the application's organization by short name and by host, with credentials", async () => {
    const lab = await external.directory.find("my-app", "lab");
    assert.deepEqual(
      { ...lab, baseUrl: lab?.baseUrl.href },
      {
        name: "lab",
        host: "127.0.0.1:5001",
        baseUrl: "http://127.0.0.1:5001/",
        prefix: "",
        insecure: true,
        credentials: { username: "u", password: "p4ss" },
      },
    );
    assert.equal((await external.directory.find("my-app", "127.0.0.1:5001"))?.name, "lab");
    assert.equal((await external.directory.find("my-app", "quay.io"))?.name, "quay-acme");
    assert.equal((await external.directory.find("my-app", "docker.io"))?.name, "docker-io");
    assert.equal((await external.directory.find("my-app", "registry-1.docker.io"))?.name, "docker-io");
    assert.equal((await external.directory.find("my-app", "ghcr.io"))?.credentials, undefined);
  });

  it("finds nothing for an unknown application, a non-application namespace, or an unknown upstream", async () => {
    assert.equal(await external.directory.find("no-such-app", "lab"), undefined);
    assert.equal(await external.directory.find("acme", "lab"), undefined);
    assert.equal(await external.directory.find("my-app", "nothing.example"), undefined);
  });

  it("answers ambiguous hosts only through short names", async () => {
    await external.service.add(t.as("owner"), "acme", { name: "quay-other", registry: "quay.io/other" });
    assert.equal(await external.directory.find("my-app", "quay.io"), undefined);
    assert.equal((await external.directory.find("my-app", "quay-other"))?.prefix, "other");
  });

  it("locates a proxy path by short name inside the prefix, by host through the longest prefix that holds it", async () => {
    const where = async (upstream: string, path: string) => {
      const found = await external.directory.locate("my-app", upstream, path);
      return found && `${found.registry.name}:${found.path}`;
    };
    // quay-acme is quay.io/acme/team, quay-other is quay.io/other (the test above).
    assert.equal(await where("quay-acme", "api"), "quay-acme:api");
    assert.equal(await where("quay.io", "acme/team/api"), "quay-acme:api");
    assert.equal(await where("quay.io", "other/x/y"), "quay-other:x/y");
    assert.equal(await where("quay.io", "acme/api"), undefined);
    assert.equal(await where("quay.io", "acme/team"), undefined);
    await external.service.add(t.as("owner"), "acme", { name: "quay-all", registry: "quay.io" });
    assert.equal(await where("quay.io", "acme/api"), "quay-all:acme/api");
    assert.equal(await where("quay.io", "acme/teamx/api"), "quay-all:acme/teamx/api");
    assert.equal(await where("quay.io", "acme/team/api"), "quay-acme:api");
    // docker-io is index.docker.io with the prefix acme: any Hub spelling, the path after it.
    assert.equal(await where("index.docker.io", "acme/api"), "docker-io:api");
    assert.equal(await where("docker.io", "library/nginx"), undefined);
    assert.equal(await external.directory.locate("no-such-app", "quay.io", "acme/api"), undefined);
    await external.service.remove(t.as("owner"), "acme", "quay-all");
  });
});

describe("the directory's answer against a real upstream", { skip: skipReason }, () => {
  const fixture = useRegistryFixture({ basicAuth: true, extraTags: ["1.0"] });

  it("gives what a client needs to pull through it: base URL, prefix and credentials", async () => {
    const { server, image } = fixture();
    await external.service.add(t.as("owner"), "acme", {
      name: "dist",
      registry: `http://${server.host}/team`,
      insecure: true,
      username: testUser.username,
      password: testUser.password,
    });
    const upstream = (await external.directory.find("my-app", server.host))!;
    assert.equal(upstream.name, "dist");
    assert.equal((await external.directory.find("my-app", "dist"))?.baseUrl.href, `http://${server.host}/`);
    const dialed = upstream.baseUrl.host;
    const client = createRegistryClient({
      credentials: { [dialed]: upstream.credentials! },
      insecure: upstream.baseUrl.protocol === "http:",
      retries: 0,
      outbound: allowLoopback,
    });
    const head = await client.headManifest({ domain: upstream.host, path: `${upstream.prefix}/app`, tag: "1.0" });
    assert.ok(head.ok && head.value.digest === image.amd64.digest, JSON.stringify(head));
    const tested = await external.service.test(t.as("admin"), "acme", "dist", "app:1.0");
    assert.deepEqual(
      [tested.code, tested.digest, tested.image],
      ["ok", image.amd64.digest, `${server.host}/team/app:1.0`],
    );
  });
});

describe("key rotation and storage", () => {
  it("re-encrypts external registries with the pull secrets, and they still open", async () => {
    t.useRing(ringWithNewVersion(ringOf(deps)));
    const report = await external.withRotation(t.secrets).rotateAll(t.as("root"));
    assert.equal(report.keyVersion, 2);
    assert.ok(report.reencrypted >= 3, JSON.stringify(report));
    assert.deepEqual(report.failed, []);
    assert.equal((await external.service.get(t.as("owner"), "acme", "lab")).keyVersion, 2);
    assert.equal((await external.directory.find("my-app", "lab"))?.credentials?.password, "p4ss");
    assert.ok(t.audit.some((e) => e.action === "external.rotate"));
  });

  it("never writes a password in clear into the database file", async () => {
    const bytes = await readFile(join(t.dir, "wharf.db"));
    const wal = await readFile(join(t.dir, "wharf.db-wal")).catch(() => Buffer.alloc(0));
    for (const secret of [password, "p4ss", "dckr_pat_x"]) {
      assert.ok(!bytes.includes(secret) && !wal.includes(secret), `the database holds ${secret}`);
    }
  });
});
