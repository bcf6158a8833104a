/**
 * @module
 * Account security against the real server: who may create organizations
 * (`accounts.organizationCreation`, default `admins`), password changes (own
 * and admin reset, API and CLI), and credentials that must not come back —
 * a refresh token issued before a disable or a password change never works
 * again, not even after the user is re-enabled, and neither do the `wharf
 * login` sessions made with the old password.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth, postToken, requestToken } from "./support/registry-auth.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";
import { createWharfCli } from "./support/wharf-cli.ts";

const admin = ["admin", adminPassword] as const;

/** A refresh token for `user` by the OAuth password grant. */
async function refreshTokenOf(base: string, user: string, password: string): Promise<string> {
  const res = await postToken(base, [
    ["grant_type", "password"],
    ["username", user],
    ["password", password],
    ["access_type", "offline"],
    ["service", "wharf"],
  ]);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}

function refresh(base: string, token: string): Promise<Response> {
  return postToken(base, [
    ["grant_type", "refresh_token"],
    ["refresh_token", token],
    ["service", "wharf"],
  ]);
}

describe("organization creation (default configuration)", () => {
  const wharf = useWharf({ auth: true });

  test("only a server administrator creates organizations; others are told which setting decides", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "olga", password: "olga-password-1" } });
    const message = await api.refuse(403, "DENIED", "POST", "/orgs", {
      as: ["olga", "olga-password-1"],
      body: { name: "olgacorp" },
    });
    assert.match(message, /accounts\.organizationCreation/);
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "olgacorp" } });
    await api.expect(200, "PUT", "/orgs/olgacorp/members/olga", { as: admin, body: { owner: true } });
    const mine = await api.expect(200, "GET", "/orgs", { as: ["olga", "olga-password-1"] });
    assert.deepEqual(mine.body.organizations, [{ name: "olgacorp", role: "owner" }]);
  });
});

describe("organization creation open to everyone", () => {
  const wharf = useWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });

  test("any user creates an organization and owns it", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "pia", password: "pia-password-1" } });
    const made = await api.expect(201, "POST", "/orgs", { as: ["pia", "pia-password-1"], body: { name: "piacorp" } });
    assert.deepEqual(made.body, { name: "piacorp", role: "owner" });
  });
});

describe("passwords and credentials that must not come back", () => {
  const wharf = useWharf({ auth: true });
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "wharf-account-security-"));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  test("a refresh token and a login session from before a disable stay dead after re-enabling", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "rita", password: "rita-password-1" } });
    const before = await refreshTokenOf(wharf.url, "rita", "rita-password-1");
    const session = (await api.expect(201, "POST", "/login", { as: ["rita", "rita-password-1"] })).body as {
      token: string;
    };
    assert.equal((await refresh(wharf.url, before)).status, 200, "the refresh token works before the disable");
    await api.expect(200, "POST", "/users/rita/disable", { as: admin });
    assert.equal((await refresh(wharf.url, before)).status, 401, "while disabled");
    await api.expect(200, "POST", "/users/rita/enable", { as: admin });
    const revived = await refresh(wharf.url, before);
    assert.equal(revived.status, 401, `after re-enabling: ${await revived.clone().text()}`);
    assert.match(await revived.text(), /log in again/);
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["rita", session.token] });
    const fresh = await refreshTokenOf(wharf.url, "rita", "rita-password-1");
    assert.equal((await refresh(wharf.url, fresh)).status, 200, "a refresh token issued after re-enabling works");
  });

  test("an own password change: current password required, policy applied, old refresh tokens and sessions dead", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "sam", password: "sam-password-1" } });
    const sam = ["sam", "sam-password-1"] as const;
    const oldRefresh = await refreshTokenOf(wharf.url, "sam", "sam-password-1");
    const session = (await api.expect(201, "POST", "/login", { as: sam })).body as { token: string };
    const other = (await api.expect(201, "POST", "/login", { as: sam })).body as { token: string };
    const mine = await api.expect(201, "POST", "/tokens", { as: sam, body: { name: "ci", scopes: ["sam/*:pull"] } });

    const wrong = await api.refuse(403, "DENIED", "PUT", "/user/password", {
      as: ["sam", session.token],
      body: { current: "not-the-password", password: "sam-password-2" },
    });
    assert.match(wrong, /current password/);
    const viaToken = { current: session.token, password: "sam-password-2" };
    await api.refuse(403, "DENIED", "PUT", "/user/password", { as: ["sam", session.token], body: viaToken });
    const short = await api.refuse(400, "INVALID_REQUEST", "PUT", "/user/password", {
      as: ["sam", session.token],
      body: { current: "sam-password-1", password: "short" },
    });
    assert.match(short, /at least 8 characters/);

    const changed = await api.expect(200, "PUT", "/user/password", {
      as: ["sam", session.token],
      body: { current: "sam-password-1", password: "sam-password-2" },
    });
    assert.deepEqual(changed.body, { name: "sam", sessionsRevoked: 1 });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: sam });
    await api.expect(200, "GET", "/user", { as: ["sam", "sam-password-2"] });
    await api.expect(200, "GET", "/user", { as: ["sam", session.token] });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["sam", other.token] });
    const registry = await requestToken(wharf.url, [["service", "wharf"]], basicAuth("sam", mine.body.token));
    assert.equal(registry.status, 200, "a token the user created deliberately is kept");
    assert.equal((await refresh(wharf.url, oldRefresh)).status, 401, "a refresh token from before the change");

    const audit = await api.expect(200, "GET", "/audit?actor=sam", { as: admin });
    const events = audit.body.events as { action: string; target: string; detail?: unknown }[];
    const event = events.find((e) => e.action === "user.password");
    assert.deepEqual(event?.detail, { by: "self", sessionsRevoked: 1 });
    assert.ok(!audit.text.includes("sam-password-2") && !audit.text.includes("sam-password-1"));
  });

  test("an admin reset: admins only, revokes every session and refresh token of the user", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "tom", password: "tom-password-1" } });
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "uma", password: "uma-password-1" } });
    const tom = ["tom", "tom-password-1"] as const;
    const session = (await api.expect(201, "POST", "/login", { as: tom })).body as { token: string };
    const oldRefresh = await refreshTokenOf(wharf.url, "tom", "tom-password-1");
    const denied = await api.refuse(403, "DENIED", "PUT", "/users/tom/password", {
      as: ["uma", "uma-password-1"],
      body: { password: "uma-chose-this" },
    });
    assert.match(denied, /server administrator/);
    await api.refuse(404, "NOT_FOUND", "PUT", "/users/nobody/password", {
      as: admin,
      body: { password: "whatever-123" },
    });
    const reset = await api.expect(200, "PUT", "/users/tom/password", {
      as: admin,
      body: { password: "tom-password-2" },
    });
    assert.deepEqual(reset.body, { name: "tom", sessionsRevoked: 1 });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["tom", session.token] });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: tom });
    await api.expect(200, "GET", "/user", { as: ["tom", "tom-password-2"] });
    assert.equal((await refresh(wharf.url, oldRefresh)).status, 401);
  });

  test("the CLI: wharf password and wharf user set-password", async () => {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "vic", password: "vic-password-1" } });
    const vic = createWharfCli(join(scratch, "vic"));
    const root = createWharfCli(join(scratch, "admin"));
    await vic.ok(["login", wharf.url, "-u", "vic", "--password-stdin"], "vic-password-1\n");
    await root.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);

    const lines = await vic.fails(["password", "--password-stdin"], "vic-password-1\n");
    assert.match(lines, /two lines/);
    const wrong = await vic.fails(["password", "--password-stdin"], "nope-nope\nvic-password-2\n");
    assert.match(wrong, /current password is not right/);
    const out = await vic.ok(["password", "--password-stdin"], "vic-password-1\nvic-password-2\n");
    assert.match(out, /Changed the password of vic/);
    assert.ok(!out.includes("vic-password"));
    await vic.ok(["whoami"]);
    await api.expect(200, "GET", "/user", { as: ["vic", "vic-password-2"] });

    const set = await root.ok(["user", "set-password", "vic", "--password-stdin"], "vic-password-3\n");
    assert.match(set, /Set the password of vic; revoked 1 login session/);
    assert.match(await vic.fails(["whoami"]), /wharf: /, "vic's session is gone after the reset");
    await api.expect(200, "GET", "/user", { as: ["vic", "vic-password-3"] });
  });
});
