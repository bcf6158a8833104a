/**
 * @module
 * API tokens, robots and the audit log through the management API against
 * the real server: `POST /login` tokens, tokens shown once and listed
 * without secrets, scoped tokens without `api` refused for management,
 * revoked and expired tokens refused at once, robot scopes confined to the
 * organization's namespaces, robots refused for management, and who reads
 * which audit events. Last, no answer and no log line ever contained a
 * password, token or secret except the answer that created it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createManagementClient } from "./support/management-client.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let api: ReturnType<typeof createManagementClient>;

const admin = ["admin", adminPassword] as const;
const alice = ["alice", "alice-password-1"] as const;
const bob = ["bob", "bob-password-1"] as const;
const carol = ["carol", "carol-password-1"] as const;

before(async () => {
  wharf = await startWharf({ auth: true, clock: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  for (const [, password] of [admin, alice, bob, carol]) api.secret(password, undefined);
  for (const [name, password] of [alice, bob, carol]) {
    await api.expect(201, "POST", "/users", { as: admin, body: { name, password } });
  }
  await api.expect(201, "POST", "/orgs", { as: alice, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "admins", role: "admin" } });
  await api.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "readers", role: "read" } });
  await api.expect(204, "PUT", "/orgs/acme/teams/admins/members/carol", { as: alice });
  await api.expect(204, "PUT", "/orgs/acme/teams/readers/members/bob", { as: alice });
  await api.expect(201, "POST", "/orgs/acme/apps", { as: alice, body: { slug: "myapp" } });
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
});

describe("API tokens", () => {
  test("POST /login creates a cli-<time> token with api and full registry scopes, shown once", async () => {
    const login = await api.expect(201, "POST", "/login", { as: alice });
    api.secret(login.body.token);
    assert.equal(login.body.user, "alice");
    assert.match(login.body.tokenName, /^cli-\d{8}-\d{6}$/);
    assert.match(login.body.token, /^wharf_pat_/);
    const me = await api.expect(200, "GET", "/user", { as: ["alice", login.body.token] });
    assert.equal(me.body.via, "token");
    assert.equal(me.body.tokenName, login.body.tokenName);
    const tokens = await api.expect(200, "GET", "/tokens", { as: alice });
    const listed = tokens.body.tokens.find((t: { name: string }) => t.name === login.body.tokenName);
    assert.deepEqual(listed.scopes, ["api", "*:pull,push,delete"]);
    assert.equal(listed.state, "active");
    assert.equal("token" in listed, false);
  });

  test("a token is created with scopes and expiry, listed without its secret, and revoked", async () => {
    const created = await api.expect(201, "POST", "/tokens", {
      as: alice,
      body: { name: "ci", scopes: ["myapp/*:pull,push"], expires: "30d" },
    });
    api.secret(created.body.token);
    assert.match(created.body.token, /^wharf_pat_[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    const list = await api.expect(200, "GET", "/tokens", { as: alice });
    assert.ok(list.body.tokens.some((t: { name: string }) => t.name === "ci"));
    assert.ok(!list.text.includes(created.body.token));
    await api.refuse(409, "CONFLICT", "POST", "/tokens", { as: alice, body: { name: "ci", scopes: ["api"] } });
    const scopedOnly = ["alice", created.body.token] as const;
    const message = await api.refuse(403, "DENIED", "GET", "/user", { as: scopedOnly });
    assert.match(message, /may not use the management API; create one with --scope api/);
    await api.refuse(403, "DENIED", "POST", "/tokens", { as: scopedOnly, body: { name: "more", scopes: ["api"] } });
    await api.expect(204, "DELETE", "/tokens/ci", { as: alice });
    await api.refuse(404, "NOT_FOUND", "DELETE", "/tokens/ci", { as: alice });
    const again = await api.expect(201, "POST", "/tokens", { as: alice, body: { name: "ci", scopes: ["api"] } });
    api.secret(again.body.token);
  });

  test("a revoked or expired api token can no longer call the API", async () => {
    const made = await api.expect(201, "POST", "/tokens", { as: bob, body: { name: "tmp", scopes: ["api"] } });
    api.secret(made.body.token);
    const asToken = ["bob", made.body.token] as const;
    await api.expect(200, "GET", "/user", { as: asToken });
    await api.expect(204, "DELETE", "/tokens/tmp", { as: asToken });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: asToken });
    const short = await api.expect(201, "POST", "/tokens", {
      as: bob,
      body: { name: "short", scopes: ["api"], expires: "1s" },
    });
    api.secret(short.body.token);
    await wharf.advanceClock(1000);
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["bob", short.body.token] });
    const states = (await api.expect(200, "GET", "/tokens", { as: bob })).body.tokens.map(
      (t: { state: string }) => t.state,
    );
    assert.deepEqual(states, ["revoked", "expired"]);
  });

  test("token input is validated with messages", async () => {
    const make = (body: unknown) => ({ as: alice, body });
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/tokens", make({ name: "x", scopes: ["acme:bogus"] })),
      /invalid scope/,
    );
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/tokens", make({ name: "x", scopes: ["api"], expires: "30x" })),
      /duration/,
    );
    await api.refuse(400, "INVALID_REQUEST", "POST", "/tokens", make({ name: "x", scopes: [] }));
    await api.refuse(400, "INVALID_REQUEST", "POST", "/tokens", make({ name: "bad name", scopes: ["api"] }));
  });
});

describe("robots", () => {
  test("a robot's scopes must stay inside the organization; its secret is shown once", async () => {
    const robot = await api.expect(201, "POST", "/orgs/acme/robots", {
      as: alice,
      body: { name: "builder", scopes: ["myapp/*:pull", "acme/base:pull,push"] },
    });
    api.secret(robot.body.secret);
    assert.equal(robot.body.username, "acme+builder");
    assert.match(robot.body.secret, /^wharf_robot_/);
    const star = await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/robots", {
      as: alice,
      body: { name: "r2", scopes: ["*:pull"] },
    });
    assert.match(star, /reaches outside acme/);
    await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/robots", {
      as: alice,
      body: { name: "r2", scopes: ["other/*:pull"] },
    });
    await api.refuse(409, "CONFLICT", "POST", "/orgs/acme/robots", {
      as: alice,
      body: { name: "builder", scopes: ["acme/*:pull"] },
    });
    await api.refuse(403, "DENIED", "POST", "/orgs/acme/robots", {
      as: bob,
      body: { name: "r3", scopes: ["acme/*:pull"] },
    });
    await api.refuse(403, "DENIED", "GET", "/orgs/acme/robots", { as: bob });
    const list = await api.expect(200, "GET", "/orgs/acme/robots", { as: carol });
    assert.equal(list.body.robots[0].username, "acme+builder");
    assert.ok(!list.text.includes(robot.body.secret));
    const denied = await api.refuse(403, "DENIED", "GET", "/user", { as: ["acme+builder", robot.body.secret] });
    assert.match(denied, /robot/);
    await api.expect(204, "DELETE", "/orgs/acme/robots/builder", { as: carol });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["acme+builder", robot.body.secret] });
    await api.refuse(404, "NOT_FOUND", "DELETE", "/orgs/acme/robots/builder", { as: carol });
  });
});

describe("audit log", () => {
  test("each user reads only their own events; the admin reads everyone's", async () => {
    const own = await api.expect(200, "GET", "/audit?since=1h", { as: alice });
    const actors = new Set(own.body.events.map((e: { actor: string }) => e.actor));
    assert.deepEqual([...actors], ["alice"]);
    const actions = own.body.events.map((e: { action: string }) => e.action);
    for (const action of ["org.create", "team.create", "token.create", "token.revoke", "robot.create", "app.create"]) {
      assert.ok(actions.includes(action), `alice's events include ${action}: ${actions}`);
    }
    await api.refuse(403, "DENIED", "GET", "/audit?actor=alice", { as: bob });
    const ofAlice = await api.expect(200, "GET", "/audit?actor=alice&limit=3", { as: admin });
    assert.equal(ofAlice.body.events.length, 3);
    const all = await api.expect(200, "GET", "/audit", { as: admin });
    const everyone = new Set(all.body.events.map((e: { actor: string }) => e.actor));
    for (const name of ["admin", "alice", "carol"]) assert.ok(everyone.has(name), `admin sees ${name}`);
    assert.ok(
      all.body.events.some(
        (e: { action: string; target: string }) => e.action === "user.create" && e.target === "user:bob",
      ),
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual((await api.expect(200, "GET", `/audit?since=${future}`, { as: admin })).body.events, []);
    await api.refuse(400, "INVALID_REQUEST", "GET", "/audit?limit=5000", { as: admin });
    await api.refuse(400, "INVALID_REQUEST", "GET", "/audit?since=yesterday", { as: admin });
  });

  test("filters by action and target (exact or prefix), and pages with a cursor", async () => {
    const grants = await api.expect(200, "GET", "/audit?action=token.create&limit=1000", { as: admin });
    assert.ok(grants.body.events.length > 0);
    assert.ok(grants.body.events.every((e: { action: string }) => e.action === "token.create"));
    const ofBob = await api.expect(200, "GET", "/audit?target=user:bob", { as: admin });
    assert.deepEqual(
      ofBob.body.events.map((e: { action: string; target: string }) => `${e.action} ${e.target}`),
      ["user.create user:bob"],
    );
    const users = await api.expect(200, "GET", "/audit?targetPrefix=user:&action=user.create&limit=1000", {
      as: admin,
    });
    const created = users.body.events.map((e: { target: string }) => e.target);
    for (const name of ["user:alice", "user:bob", "user:carol"]) assert.ok(created.includes(name), `${name} created`);
    assert.equal(users.body.next, undefined, "one page holds them all");
    assert.deepEqual((await api.expect(200, "GET", "/audit?targetPrefix=USER:", { as: admin })).body.events, []);
    // A page at a time, two by two: the pages join up to the whole list, in order, without repeats.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const query = `/audit?targetPrefix=user:&action=user.create&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await api.expect(200, "GET", query, { as: admin });
      assert.ok(page.body.events.length <= 2);
      paged.push(...page.body.events.map((e: { target: string }) => e.target));
      cursor = page.body.next;
    } while (cursor !== undefined);
    assert.deepEqual(paged, created);
    // A non-administrator's filters narrow their own events only.
    const own = await api.expect(200, "GET", "/audit?targetPrefix=user:&limit=1000", { as: alice });
    assert.ok(own.body.events.every((e: { actor: string }) => e.actor === "alice"));
    await api.refuse(400, "INVALID_REQUEST", "GET", "/audit?cursor=abc", { as: admin });
    await api.refuse(400, "INVALID_REQUEST", "GET", "/audit?limit=0", { as: admin });
    await api.refuse(400, "INVALID_REQUEST", "GET", `/audit?action=${"a".repeat(200)}`, { as: admin });
  });
});

describe("secrets", () => {
  test("no answer and no log line contains a password, token or secret except its creation answer", async () => {
    assert.deepEqual(api.leaks(), []);
    const log = wharf.output();
    for (const secret of api.secrets())
      assert.ok(!log.includes(secret), `the server log contains ${secret.slice(0, 14)}…`);
  });
});
