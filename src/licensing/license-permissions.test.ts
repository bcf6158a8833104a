/**
 * @module
 * The licensing policy at the resolver level, over a real SQLite database:
 * licenses authenticate as themselves (id as username and password), only
 * while neither revoked nor expired (an injected clock, no waiting); they
 * may only pull, only their app's entitled repositories and the proxy names
 * `proxy/<app>/<upstream>/<path>` whose `<short-name>/<path>` an external
 * entitlement covers (the injected `resolveUpstream` maps the upstream
 * segment); and who else pulls a proxy name: owners, team members, admins,
 * scoped tokens and robots of the app's organization — never anonymous.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { anonymous, type Principal } from "../accounts/access.ts";
import { createAuditLog } from "../accounts/audit-log.ts";
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { createPermissionResolver, type PermissionResolver } from "../accounts/permission-resolver.ts";
import { parseScopePattern } from "../accounts/scope-pattern.ts";
import { configSchema } from "../config/config-schema.ts";
import { createLogger } from "../log/create-logger.ts";
import type { AccountsMetadata } from "../metadata/accounts-metadata.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { openDatabase } from "../metadata/open-database.ts";
import { createLicensing, type Licensing, type LicensingServices } from "./create-licensing.ts";

let dir: string;
let db: Kysely<Database>;
let store: AccountsMetadata;
let licensing: Licensing;
let services: LicensingServices;
let resolver: PermissionResolver;
let now = Date.parse("2026-01-01T00:00:00Z");
const users: Record<string, Principal> = {};
let orgId = 0;

const upstreams: Record<string, string> = { "quay.io": "quay", "ghcr.io": "ghcr" };

async function user(name: string, isAdmin = false): Promise<number> {
  const row = await store.createUser(name, null, "unused", isAdmin);
  users[name] = { kind: "user", name, userId: row.id, isAdmin };
  return row.id;
}

async function actions(who: Principal, repository: string): Promise<string> {
  return [...(await resolver.actionsOn(who, repository))].sort().join(",");
}

async function newLicense(entitlements: string[], expires?: string) {
  const caller = { principal: users.owner! };
  const created = await services.licenses.create(caller, "myapp", { customer: "acme", entitlements, expires });
  const principal = await licensing.authority.authenticate(created.licenseId, created.licenseId);
  assert.ok(principal, "a fresh license authenticates");
  return { created, principal };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-license-perm-"));
  db = await openDatabase(configSchema.parse({ dataDir: dir }));
  store = createAccountsMetadata(db);
  const log = createLogger("silent");
  licensing = createLicensing(db, {
    log,
    clock: () => now,
    resolveUpstream: async (_app, segment, path) => {
      const shortName = upstreams[segment];
      return shortName === undefined ? undefined : { shortName, path };
    },
  });
  resolver = createPermissionResolver(store, licensing.authority);
  services = licensing.services({ store, resolver, audit: createAuditLog(store, log) });
  const owner = await user("owner");
  const reader = await user("reader");
  const member = await user("member");
  await user("outsider");
  await user("root", true);
  orgId = (await store.createOrganization("acme", owner)).id;
  await store.createNamespace({ name: "myapp", kind: "application", userId: null, orgId });
  await store.createNamespace({ name: "otherapp", kind: "application", userId: null, orgId });
  await store.setNamespacePublic("myapp", true);
  await store.setRepositoryPublic("myapp/img", false);
  await store.setRepositoryPublic("myapp/secret", false);
  await store.setRepositoryPublic("myapp/imgx", false);
  const readers = await store.createTeam(orgId, "readers", "read");
  await store.setMembership(orgId, reader, false);
  await store.addTeamMember(readers.id, reader);
  await store.setMembership(orgId, member, false);
  await services.customers.create({ principal: users.owner! }, "myapp", { name: "acme" });
});

after(async () => {
  await licensing.pulls.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("a license principal", () => {
  it("authenticates only with its id as both username and password", async () => {
    const { created, principal } = await newLicense([]);
    assert.deepEqual(
      { ...principal, licenseId: 0 },
      {
        kind: "license",
        name: "license:acme",
        licenseId: 0,
        publicId: created.id,
        customer: "acme",
        appSlug: "myapp",
        entitlements: ["myapp/*"],
        channel: null,
      },
    );
    assert.equal(await licensing.authority.authenticate("acme", created.licenseId), undefined);
    const other = created.licenseId.replace(/^wharf_lic_./, (m) => (m.endsWith("a") ? "wharf_lic_b" : "wharf_lic_a"));
    assert.equal(await licensing.authority.authenticate(created.licenseId, other), undefined);
    assert.equal(await licensing.authority.authenticate(other, other), undefined);
    assert.equal(await licensing.authority.authenticate("x", "not-a-license"), undefined);
    assert.deepEqual(await licensing.authority.principalOf(principal.licenseId), principal);
  });

  it("stops resolving once revoked or expired (by the injected clock)", async () => {
    const revoked = await newLicense([]);
    await services.licenses.revoke({ principal: users.owner! }, "myapp", revoked.created.id);
    assert.equal(await licensing.authority.principalOf(revoked.principal.licenseId), undefined);
    const id = revoked.created.licenseId;
    assert.equal(await licensing.authority.authenticate(id, id), undefined);

    const expiring = await newLicense([], "30d");
    now += 29 * 86_400_000;
    assert.ok(await licensing.authority.principalOf(expiring.principal.licenseId));
    now += 2 * 86_400_000;
    assert.equal(await licensing.authority.principalOf(expiring.principal.licenseId), undefined);
    const secret = expiring.created.licenseId;
    assert.equal(await licensing.authority.authenticate(secret, secret), undefined);
    await services.licenses.extend({ principal: users.owner! }, "myapp", expiring.created.id, "90d");
    assert.ok(await licensing.authority.authenticate(secret, secret), "extending revives an expired license");
  });
});

describe("what a license may pull", () => {
  let license: LicensePrincipal;
  before(async () => {
    license = (await newLicense(["myapp/img", "myapp/tools/*", "quay/acme/*", "ghcr/org/exact"])).principal;
  });

  it("pulls only its entitled own repositories, never pushes", async () => {
    assert.equal(await actions(license, "myapp/img"), "pull");
    assert.equal(await actions(license, "myapp/tools/a/b"), "pull");
    assert.equal(await actions(license, "myapp/secret"), "");
    assert.equal(await actions(license, "otherapp/img"), "");
    assert.equal(await actions(license, "myapp/imgx"), "");
  });

  it("pulls public repositories like anyone, but nothing private of other namespaces", async () => {
    assert.equal(await actions(license, "myapp/public-thing"), "pull");
    assert.equal(await actions(license, "acme/private"), "");
  });

  it("pulls proxy names of its own app whose upstream short name and path are entitled", async () => {
    assert.equal(await actions(license, "proxy/myapp/quay.io/acme/api"), "pull");
    assert.equal(await actions(license, "proxy/myapp/quay.io/acme/team/api"), "pull");
    assert.equal(await actions(license, "proxy/myapp/ghcr.io/org/exact"), "pull");
    assert.equal(await actions(license, "proxy/myapp/ghcr.io/org/other"), "");
    assert.equal(await actions(license, "proxy/myapp/quay.io/other/api"), "");
    assert.equal(
      await actions(license, "proxy/myapp/unknown.io/acme/api"),
      "",
      "an upstream the resolver does not know",
    );
    assert.equal(await actions(license, "proxy/myapp/quay/acme/api"), "", "the short name is not a host segment here");
    assert.equal(await actions(license, "proxy/otherapp/quay.io/acme/api"), "", "another app's proxy");
    assert.equal(await actions(license, "proxy/myapp/myapp/img"), "", "own images are not reached through the proxy");
  });

  it("with the default resolver, the upstream segment is the short name", async () => {
    const plain = createLicensing(db, { log: createLogger("silent"), clock: () => now });
    const viaSegment = { ...license, entitlements: ["quay.io/acme/*"] };
    assert.equal(await plain.authority.canPull(viaSegment, "proxy/myapp/quay.io/acme/api"), true);
    assert.equal(await plain.authority.canPull(viaSegment, "proxy/myapp/quay/acme/api"), false);
    await plain.pulls.close();
  });
});

describe("who else pulls a proxy name", () => {
  const name = "proxy/myapp/quay.io/acme/api";
  it("owners, members with a team role and server admins pull; nobody pushes", async () => {
    assert.equal(await actions(users.owner!, name), "pull");
    assert.equal(await actions(users.reader!, name), "pull");
    assert.equal(await actions(users.root!, name), "pull");
    assert.equal(await actions(users.root!, "proxy/myapp/short"), "pull", "even an admin never pushes under proxy/");
  });

  it("members without a team, outsiders and anonymous get nothing, even for a public app", async () => {
    assert.equal(await actions(users.member!, name), "");
    assert.equal(await actions(users.outsider!, name), "");
    assert.equal(await actions(anonymous, name), "");
    assert.equal(await actions(users.owner!, "proxy/nosuchapp/quay.io/acme/api"), "");
  });

  it("tokens and robots within their scopes on the proxy name, robots of the app's organization only", async () => {
    const owner = users.owner as Extract<Principal, { kind: "user" }>;
    const token = (scopes: string[]): Principal => ({
      kind: "token",
      name: "owner",
      userId: owner.userId,
      isAdmin: false,
      tokenId: 1,
      tokenName: "t",
      scopes: scopes.map(parseScopePattern),
      api: false,
    });
    const robot = (org: number, scopes: string[]): Principal => ({
      kind: "robot",
      name: "acme+ci",
      robotId: 1,
      orgId: org,
      scopes: scopes.map(parseScopePattern),
    });
    assert.equal(await actions(token(["*:pull,push"]), name), "pull");
    assert.equal(await actions(token(["myapp/*:pull"]), name), "");
    assert.equal(await actions(robot(orgId, ["proxy/myapp/*:pull,push"]), name), "pull");
    assert.equal(await actions(robot(orgId, ["myapp/*:pull"]), name), "");
    assert.equal(await actions(robot(orgId + 99, ["proxy/myapp/*:pull"]), name), "");
  });
});
