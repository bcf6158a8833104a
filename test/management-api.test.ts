/**
 * @module
 * The management API (`/api/v1`) end to end against the real server with
 * accounts on — users, organizations, members, teams, applications,
 * visibility and grants: each route's success and its main refusals, who
 * may do what (server admin, organization owner, admin-team member, plain
 * member, outsider), naming rules (400 with a message), duplicates (409),
 * Basic authentication and its rate limit, request validation, and the
 * OpenAPI document. Tokens, robots and the audit log are in
 * `management-credentials.test.ts`. Last, no answer and no log line ever
 * contained a password.
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
const dave = ["dave", "dave-password-1"] as const;
const erin = ["erin", "erin-password-1"] as const;

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  for (const [, password] of [admin, alice, bob, carol, dave, erin]) api.secret(password, undefined);
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
});

describe("authentication", () => {
  test("no credentials: 401 with a Basic challenge; a wrong password: 401 UNAUTHORIZED", async () => {
    const none = await api.call("GET", "/user");
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), 'Basic realm="wharf"');
    assert.equal(none.body.errors[0].code, "UNAUTHORIZED");
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["admin", "not-the-password"] });
  });

  test("GET /user describes the caller", async () => {
    const me = await api.expect(200, "GET", "/user", { as: admin });
    assert.equal(me.body.name, "admin");
    assert.equal(me.body.admin, true);
    assert.equal(me.body.via, "user");
  });

  test("ten failed logins of one account: 429 TOOMANYREQUESTS with Retry-After", async () => {
    for (let i = 0; i < 10; i++)
      await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["mallory", `guess-${i}`] });
    const blocked = await api.call("GET", "/user", { as: ["mallory", "guess-10"] });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.errors[0].code, "TOOMANYREQUESTS");
    assert.match(blocked.headers.get("retry-after") ?? "", /^\d+$/);
    await api.expect(200, "GET", "/user", { as: admin });
  });
});

describe("users", () => {
  test("the admin creates users; each gets the namespace of its name", async () => {
    for (const [name, password] of [alice, bob, carol, dave, erin]) {
      const created = await api.expect(201, "POST", "/users", { as: admin, body: { name, password } });
      assert.deepEqual(created.body, { name, email: null, admin: false, disabled: false });
    }
    await api.expect(201, "POST", "/users", {
      as: admin,
      body: { name: "frank", password: "frank-pass", email: "f@example.com" },
    });
    const users = await api.expect(200, "GET", "/users", { as: admin });
    assert.deepEqual(
      users.body.users.map((u: { name: string }) => u.name),
      ["admin", "alice", "bob", "carol", "dave", "erin", "frank"],
    );
    assert.ok(!users.text.includes("scrypt") && !users.text.includes("password"), users.text);
  });

  test("a non-admin may not create, list or disable users: 403 DENIED", async () => {
    await api.refuse(403, "DENIED", "POST", "/users", { as: alice, body: { name: "zed", password: "zed-password" } });
    await api.refuse(403, "DENIED", "GET", "/users", { as: alice });
    await api.refuse(403, "DENIED", "POST", "/users/bob/disable", { as: alice });
  });

  test("name rules: 400 INVALID_REQUEST with a message; duplicates: 409 CONFLICT", async () => {
    const create = (name: string) => ({ as: admin, body: { name, password: "long-enough" } });
    assert.match(await api.refuse(400, "INVALID_REQUEST", "POST", "/users", create("Bad_Name")), /lower-case/);
    assert.match(await api.refuse(400, "INVALID_REQUEST", "POST", "/users", create("x".repeat(64))), /1-63/);
    assert.match(await api.refuse(400, "INVALID_REQUEST", "POST", "/users", create("api")), /reserved/);
    assert.match(await api.refuse(409, "CONFLICT", "POST", "/users", create("alice")), /"alice" is taken/);
    const short = { as: admin, body: { name: "shorty", password: "short" } };
    assert.match(await api.refuse(400, "INVALID_REQUEST", "POST", "/users", short), /at least 8/);
  });

  test("a disabled user can no longer log in; re-enabled, they can", async () => {
    const disabled = await api.expect(200, "POST", "/users/erin/disable", { as: admin });
    assert.equal(disabled.body.disabled, true);
    await api.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: erin });
    await api.expect(200, "POST", "/users/erin/enable", { as: admin });
    await api.expect(200, "GET", "/user", { as: erin });
    await api.refuse(404, "NOT_FOUND", "POST", "/users/nobody/disable", { as: admin });
    await api.refuse(400, "INVALID_REQUEST", "POST", "/users/admin/disable", { as: admin });
  });
});

describe("organizations, members and teams", () => {
  test("any user creates an organization and becomes its owner; names are unique across users and orgs", async () => {
    assert.deepEqual((await api.expect(201, "POST", "/orgs", { as: alice, body: { name: "acme" } })).body, {
      name: "acme",
      role: "owner",
    });
    await api.expect(201, "POST", "/orgs", { as: dave, body: { name: "other" } });
    assert.match(await api.refuse(409, "CONFLICT", "POST", "/orgs", { as: dave, body: { name: "bob" } }), /taken/);
    assert.match(await api.refuse(409, "CONFLICT", "POST", "/orgs", { as: dave, body: { name: "acme" } }), /taken/);
    await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs", { as: dave, body: { name: "-acme" } });
    const mine = await api.expect(200, "GET", "/orgs", { as: alice });
    assert.deepEqual(mine.body.organizations, [{ name: "acme", role: "owner" }]);
  });

  test("teams: owners create them; adding a team member makes them an organization member", async () => {
    await api.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "readers", role: "read" } });
    await api.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "admins", role: "admin" } });
    await api.expect(204, "PUT", "/orgs/acme/teams/readers/members/bob", { as: alice });
    await api.expect(204, "PUT", "/orgs/acme/teams/admins/members/carol", { as: alice });
    const org = await api.expect(200, "GET", "/orgs/acme", { as: bob });
    assert.deepEqual(org.body.members, [
      { name: "alice", owner: true },
      { name: "bob", owner: false },
      { name: "carol", owner: false },
    ]);
    assert.equal(org.body.role, "member");
    await api.refuse(409, "CONFLICT", "POST", "/orgs/acme/teams", {
      as: alice,
      body: { name: "readers", role: "write" },
    });
    await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/teams", {
      as: alice,
      body: { name: "x", role: "boss" },
    });
    await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/teams", {
      as: alice,
      body: { name: "A B", role: "read" },
    });
    await api.refuse(404, "NOT_FOUND", "PUT", "/orgs/acme/teams/readers/members/nobody", { as: alice });
  });

  test("a plain member reads but does not manage; an outsider does neither", async () => {
    await api.expect(200, "GET", "/orgs/acme/teams", { as: bob });
    await api.refuse(403, "DENIED", "POST", "/orgs/acme/teams", { as: bob, body: { name: "mine", role: "admin" } });
    await api.refuse(403, "DENIED", "PUT", "/orgs/acme/members/dave", { as: bob });
    await api.refuse(403, "DENIED", "GET", "/orgs/acme", { as: dave });
    await api.refuse(403, "DENIED", "GET", "/orgs/acme/teams", { as: dave });
    await api.refuse(404, "NOT_FOUND", "GET", "/orgs/nothing", { as: dave });
  });

  test("an admin-team member manages teams and members, but only owners make or remove owners", async () => {
    await api.expect(201, "POST", "/orgs/acme/teams", { as: carol, body: { name: "writers", role: "read" } });
    const patched = await api.expect(200, "PATCH", "/orgs/acme/teams/writers", { as: carol, body: { role: "write" } });
    assert.equal(patched.body.role, "write");
    await api.expect(200, "PUT", "/orgs/acme/members/frank", { as: carol });
    await api.refuse(403, "DENIED", "PUT", "/orgs/acme/members/frank", { as: carol, body: { owner: true } });
    await api.refuse(403, "DENIED", "DELETE", "/orgs/acme/members/alice", { as: carol });
    const owner = await api.expect(200, "PUT", "/orgs/acme/members/frank", { as: alice, body: { owner: true } });
    assert.equal(owner.body.owner, true);
    await api.expect(200, "PUT", "/orgs/acme/members/frank", { as: alice, body: { owner: false } });
    await api.expect(204, "DELETE", "/orgs/acme/members/frank", { as: carol });
    await api.expect(204, "DELETE", "/orgs/acme/teams/writers", { as: carol });
    const teams = await api.expect(200, "GET", "/orgs/acme/teams", { as: carol });
    assert.deepEqual(
      teams.body.teams.map((t: { name: string }) => t.name),
      ["admins", "readers"],
    );
  });

  test("the last owner cannot leave or be demoted", async () => {
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "DELETE", "/orgs/acme/members/alice", { as: alice }),
      /last owner/,
    );
    await api.refuse(400, "INVALID_REQUEST", "PUT", "/orgs/acme/members/alice", { as: alice, body: { owner: false } });
  });

  test("team members are removed again", async () => {
    await api.expect(204, "PUT", "/orgs/acme/teams/readers/members/dave", { as: alice });
    await api.expect(204, "DELETE", "/orgs/acme/teams/readers/members/dave", { as: alice });
    await api.expect(204, "DELETE", "/orgs/acme/members/dave", { as: alice });
    await api.refuse(403, "DENIED", "GET", "/orgs/acme", { as: dave });
  });
});

describe("applications, visibility and grants", () => {
  test("owners and admins create applications with unique, valid slugs; members list them", async () => {
    const app = await api.expect(201, "POST", "/orgs/acme/apps", { as: carol, body: { slug: "myapp" } });
    assert.deepEqual(app.body, { slug: "myapp", organization: "acme", public: false });
    await api.refuse(403, "DENIED", "POST", "/orgs/acme/apps", { as: bob, body: { slug: "bobapp" } });
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/apps", { as: alice, body: { slug: "My_App" } }),
      /application slug/,
    );
    await api.refuse(409, "CONFLICT", "POST", "/orgs/acme/apps", { as: alice, body: { slug: "myapp" } });
    await api.refuse(409, "CONFLICT", "POST", "/orgs/other/apps", { as: dave, body: { slug: "bob" } });
    const list = await api.expect(200, "GET", "/orgs/acme/apps", { as: bob });
    assert.deepEqual(list.body.applications, [{ slug: "myapp", organization: "acme", public: false }]);
    await api.refuse(409, "CONFLICT", "POST", "/users", {
      as: admin,
      body: { name: "myapp", password: "long-enough" },
    });
  });

  test("namespace visibility: its user or the organization's owners and admins", async () => {
    const set = (visibility: string) => ({ body: { visibility } });
    await api.expect(200, "PUT", "/namespaces/myapp/visibility", { as: carol, ...set("public") });
    await api.expect(200, "PUT", "/namespaces/myapp/visibility", { as: alice, ...set("private") });
    await api.refuse(403, "DENIED", "PUT", "/namespaces/myapp/visibility", { as: bob, ...set("public") });
    await api.expect(200, "PUT", "/namespaces/bob/visibility", { as: bob, ...set("public") });
    await api.refuse(403, "DENIED", "PUT", "/namespaces/bob/visibility", { as: alice, ...set("private") });
    await api.refuse(404, "NOT_FOUND", "PUT", "/namespaces/nothing/visibility", { as: alice, ...set("public") });
    await api.refuse(400, "INVALID_REQUEST", "PUT", "/namespaces/myapp/visibility", { as: alice, ...set("open") });
  });

  test("repository visibility: names may contain '/', and public means anonymous pull", async () => {
    const before = await fetch(`${wharf.url}/v2/myapp/tools/worker/tags/list`);
    assert.equal(before.status, 401);
    const answer = await api.expect(200, "PUT", "/repositories/myapp/tools/worker/visibility", {
      as: alice,
      body: { visibility: "public" },
    });
    assert.deepEqual(answer.body, { repository: "myapp/tools/worker", visibility: "public" });
    const anonymous = await fetch(`${wharf.url}/v2/myapp/tools/worker/tags/list`);
    assert.equal(anonymous.status, 404, "a public repository is readable anonymously (and empty)");
    await api.refuse(403, "DENIED", "PUT", "/repositories/myapp/worker/visibility", {
      as: bob,
      body: { visibility: "public" },
    });
    await api.refuse(400, "INVALID_REQUEST", "PUT", "/repositories/MyApp/Worker/visibility", {
      as: alice,
      body: { visibility: "public" },
    });
  });

  test("grants: to a team or a member, by owners and admins, on organization repositories only", async () => {
    const path = "/repositories/myapp/worker/grants";
    const granted = await api.expect(200, "PUT", path, { as: carol, body: { team: "readers", role: "write" } });
    assert.deepEqual(granted.body, { repository: "myapp/worker", team: "readers", role: "write" });
    await api.expect(200, "PUT", path, { as: alice, body: { user: "bob", role: "admin" } });
    const list = await api.expect(200, "GET", path, { as: alice });
    assert.deepEqual(
      list.body.grants.sort((a: { role: string }, b: { role: string }) => a.role.localeCompare(b.role)),
      [
        { user: "bob", role: "admin" },
        { team: "readers", role: "write" },
      ],
    );
    await api.refuse(400, "INVALID_REQUEST", "PUT", path, {
      as: alice,
      body: { team: "readers", user: "bob", role: "read" },
    });
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "PUT", path, { as: alice, body: { user: "dave", role: "read" } }),
      /not a member/,
    );
    await api.refuse(404, "NOT_FOUND", "PUT", path, { as: alice, body: { team: "ghosts", role: "read" } });
    await api.refuse(403, "DENIED", "PUT", path, { as: bob, body: { team: "readers", role: "admin" } });
    await api.refuse(400, "INVALID_REQUEST", "PUT", "/repositories/bob/thing/grants", {
      as: bob,
      body: { user: "bob", role: "read" },
    });
    await api.expect(204, "DELETE", `${path}?team=readers`, { as: alice });
    await api.expect(204, "DELETE", `${path}?user=bob`, { as: alice });
    await api.refuse(400, "INVALID_REQUEST", "DELETE", path, { as: alice });
    assert.deepEqual((await api.expect(200, "GET", path, { as: alice })).body.grants, []);
  });
});

describe("request handling", () => {
  test("malformed bodies, unknown fields, unknown paths and methods are refused clearly", async () => {
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs", { as: alice, raw: "{not json" }),
      /not valid JSON/,
    );
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs", { as: alice, body: { name: "x1", color: "red" } }),
      /color/,
    );
    await api.refuse(400, "INVALID_REQUEST", "POST", "/orgs", { as: alice, body: { name: 42 } });
    const big = await api.call("POST", "/orgs", {
      as: alice,
      raw: JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) }),
    });
    assert.equal(big.status, 413);
    await api.refuse(404, "NOT_FOUND", "GET", "/nothing", { as: alice });
    const wrong = await api.call("PATCH", "/orgs", { as: alice });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST, GET");
  });
});

describe("OpenAPI", () => {
  test("openapi.json is served without auth and documents every route", async () => {
    const answer = await api.expect(200, "GET", "/openapi.json");
    const doc = answer.body;
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const expected = [
      "post /login",
      "get /user",
      "post /users",
      "get /users",
      "post /users/{user}/disable",
      "post /orgs",
      "get /orgs",
      "get /orgs/{org}",
      "put /orgs/{org}/members/{user}",
      "delete /orgs/{org}/members/{user}",
      "post /orgs/{org}/teams",
      "get /orgs/{org}/teams",
      "patch /orgs/{org}/teams/{team}",
      "delete /orgs/{org}/teams/{team}",
      "put /orgs/{org}/teams/{team}/members/{user}",
      "delete /orgs/{org}/teams/{team}/members/{user}",
      "post /orgs/{org}/apps",
      "get /orgs/{org}/apps",
      "post /orgs/{org}/robots",
      "get /orgs/{org}/robots",
      "delete /orgs/{org}/robots/{robot}",
      "put /namespaces/{namespace}/visibility",
      "put /repositories/{name}/visibility",
      "put /repositories/{name}/grants",
      "delete /repositories/{name}/grants",
      "post /tokens",
      "get /tokens",
      "delete /tokens/{token}",
      "get /audit",
      "get /openapi.json",
    ];
    for (const entry of expected) {
      const [method, path] = entry.split(" ") as [string, string];
      assert.ok(doc.paths[`/api/v1${path}`]?.[method], `OpenAPI documents ${entry}`);
    }
    const createUser = doc.paths["/api/v1/users"].post;
    assert.deepEqual(createUser.requestBody.content["application/json"].schema.required, ["name", "password"]);
    const team = doc.paths["/api/v1/orgs/{org}/teams/{team}"].patch;
    assert.deepEqual(
      team.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
      ["path:org", "path:team"],
    );
    const audit = doc.paths["/api/v1/audit"].get;
    assert.deepEqual(
      audit.parameters.map((p: { name: string }) => p.name),
      ["since", "actor", "action", "target", "targetPrefix", "limit", "cursor"],
    );
    assert.deepEqual(doc.paths["/api/v1/openapi.json"].get.security, []);
    assert.deepEqual(createUser.security, [{ basic: [] }]);
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
