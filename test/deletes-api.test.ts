/**
 * @module
 * Deletes and repository listings through the management API against the
 * real server: a repository delete (the registry then answers NAME_UNKNOWN,
 * blobs stay for GC), applications, organizations and users with their
 * rules (repositories need force, dry runs delete nothing, the last owner
 * and the last administrator are kept, a deleted user's tokens stop
 * working), who may delete what, audit events, and `GET /repositories`
 * with tags, sizes and platforms.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createManagementClient } from "./support/management-client.ts";
import { buildImage, buildIndex } from "./support/oci-layout.ts";
import { basicAuth, pushBlobAs, pushImageAs } from "./support/registry-auth.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

const admin = ["admin", adminPassword] as const;
const alice = ["alice", "alice-password-1"] as const;
const bob = ["bob", "bob-password-1"] as const;
const adminBasic = basicAuth(...admin);

describe("deletes and listings", () => {
  const wharf = useWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  const api = () => createManagementClient(wharf.url);

  async function setUp() {
    const a = api();
    for (const [name, password] of [alice, bob]) {
      await a.expect(201, "POST", "/users", { as: admin, body: { name, password } });
    }
    await a.expect(201, "POST", "/orgs", { as: alice, body: { name: "acme" } });
    await a.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "readers", role: "read" } });
    await a.expect(204, "PUT", "/orgs/acme/teams/readers/members/bob", { as: alice });
    await a.expect(201, "POST", "/orgs/acme/apps", { as: alice, body: { slug: "rocket" } });
    await pushImageAs(wharf.url, adminBasic, "rocket/api", "1.0");
    await pushImageAs(wharf.url, adminBasic, "rocket/api", "1.1");
    await pushImageAs(wharf.url, adminBasic, "rocket/web", "1.0");
    await pushImageAs(wharf.url, adminBasic, "acme/tools", "1");
    return a;
  }

  async function pushIndex(repository: string, tag: string) {
    const images = [
      buildImage({ architecture: "amd64", layers: [[{ name: "a", content: "amd64 bits" }]] }),
      buildImage({ architecture: "arm64", layers: [[{ name: "a", content: "arm64 bits" }]] }),
    ];
    for (const image of images) {
      for (const blob of [image.config, ...image.layers])
        await pushBlobAs(wharf.url, adminBasic, repository, blob.bytes);
      const res = await fetch(`${wharf.url}/v2/${repository}/manifests/${image.manifest.digest}`, {
        method: "PUT",
        headers: { authorization: adminBasic, "content-type": image.descriptor.mediaType },
        body: image.manifest.bytes,
      });
      assert.equal(res.status, 201, await res.text());
    }
    const index = buildIndex(images);
    const res = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      headers: { authorization: adminBasic, "content-type": index.descriptor.mediaType },
      body: index.index.bytes,
    });
    assert.equal(res.status, 201, await res.text());
    return { index, images };
  }

  test("lists repositories a caller may pull, and tags with digests, sizes, platforms and push times", async () => {
    const a = await setUp();
    const { index, images } = await pushIndex("rocket/multi", "2.0");
    const mine = await a.expect(200, "GET", "/repositories?namespace=rocket", { as: bob });
    assert.deepEqual(
      mine.body.repositories.map((r: { name: string }) => r.name),
      ["rocket/api", "rocket/multi", "rocket/web"],
    );
    const api1 = mine.body.repositories[0];
    assert.equal(api1.tags, 2);
    assert.match(api1.pushedAt, /^\d{4}-\d\d-\d\dT/);
    const outsider = await a.expect(201, "POST", "/users", {
      as: admin,
      body: { name: "eve", password: "eve-password" },
    });
    assert.equal(outsider.status, 201);
    const none = await a.expect(200, "GET", "/repositories", { as: ["eve", "eve-password"] });
    assert.deepEqual(none.body.repositories, [], "an outsider sees no private repository");
    const all = await a.expect(200, "GET", "/repositories", { as: admin });
    assert.ok(all.body.repositories.length >= 4);

    const tags = await a.expect(200, "GET", "/repositories/rocket/multi/tags", { as: bob });
    const [tag] = tags.body.tags;
    assert.equal(tag.tag, "2.0");
    assert.equal(tag.digest, index.index.digest);
    assert.equal(tag.kind, "index");
    assert.deepEqual(
      tag.platforms.map((p: { platform: string; digest: string }) => [p.platform, p.digest]),
      images.map((i) => [`linux/${i.descriptor.platform!.architecture}`, i.manifest.digest]),
    );
    const sizes = images.map((i) => i.config.bytes.length + i.layers.reduce((n, l) => n + l.bytes.length, 0));
    assert.deepEqual(
      tag.platforms.map((p: { size: number }) => p.size),
      sizes,
    );
    assert.equal(tag.size, sizes[0]! + sizes[1]!);
    const plain = await a.expect(200, "GET", "/repositories/rocket/api/tags", { as: alice });
    assert.deepEqual(
      plain.body.tags.map((t: { tag: string; kind: string }) => [t.tag, t.kind]),
      [
        ["1.0", "image"],
        ["1.1", "image"],
      ],
    );
    assert.ok(plain.body.tags[0].size > 0);
    await a.refuse(404, "NOT_FOUND", "GET", "/repositories/rocket/api/tags", { as: ["eve", "eve-password"] });
    await a.refuse(404, "NOT_FOUND", "GET", "/repositories/rocket/nothing/tags", { as: alice });
  });

  test("a repository delete: plain members are refused, a dry run deletes nothing, then /v2 answers NAME_UNKNOWN", async () => {
    const a = api();
    await a.refuse(403, "DENIED", "DELETE", "/repositories/rocket/web", { as: bob });
    const dry = await a.expect(200, "DELETE", "/repositories/rocket/web?dryRun=true", { as: alice });
    assert.deepEqual(dry.body, { repository: "rocket/web", tags: 1, manifests: 1, deleted: false });
    const before = await fetch(`${wharf.url}/v2/rocket/web/tags/list`, { headers: { authorization: adminBasic } });
    assert.equal(before.status, 200);
    const done = await a.expect(200, "DELETE", "/repositories/rocket/web", { as: alice });
    assert.deepEqual(done.body, { repository: "rocket/web", tags: 1, manifests: 1, deleted: true });
    const after = await fetch(`${wharf.url}/v2/rocket/web/tags/list`, { headers: { authorization: adminBasic } });
    assert.equal(after.status, 404);
    assert.equal(((await after.json()) as { errors: { code: string }[] }).errors[0]!.code, "NAME_UNKNOWN");
    const manifest = await fetch(`${wharf.url}/v2/rocket/web/manifests/1.0`, {
      headers: { authorization: adminBasic },
    });
    assert.equal(manifest.status, 404);
    const catalog = await fetch(`${wharf.url}/v2/_catalog`, { headers: { authorization: adminBasic } });
    const names = ((await catalog.json()) as { repositories: string[] }).repositories;
    assert.ok(!names.includes("rocket/web") && names.includes("rocket/api"), names.join(", "));
    await a.refuse(404, "NOT_FOUND", "DELETE", "/repositories/rocket/web", { as: alice });
    // The name can be pushed again from scratch.
    await pushImageAs(wharf.url, adminBasic, "rocket/web", "2.0");
    const again = await a.expect(200, "GET", "/repositories/rocket/web/tags", { as: alice });
    assert.deepEqual(
      again.body.tags.map((t: { tag: string }) => t.tag),
      ["2.0"],
    );
  });

  test("an application with repositories needs force; plain members are refused", async () => {
    const a = api();
    await a.refuse(403, "DENIED", "DELETE", "/orgs/acme/apps/rocket", { as: bob });
    const refused = await a.refuse(409, "CONFLICT", "DELETE", "/orgs/acme/apps/rocket", { as: alice });
    assert.match(refused, /rocket\/api/);
    assert.match(refused, /force/);
    const dry = await a.expect(200, "DELETE", "/orgs/acme/apps/rocket?force=true&dryRun=true", { as: alice });
    assert.equal(dry.body.deleted, false);
    assert.equal(dry.body.repositoryCount, 3);
    const done = await a.expect(200, "DELETE", "/orgs/acme/apps/rocket?force=true", { as: alice });
    assert.equal(done.body.deleted, true);
    const apps = await a.expect(200, "GET", "/orgs/acme/apps", { as: alice });
    assert.deepEqual(apps.body.applications, []);
    const gone = await fetch(`${wharf.url}/v2/rocket/api/tags/list`, { headers: { authorization: adminBasic } });
    assert.equal(((await gone.json()) as { errors: { code: string }[] }).errors[0]!.code, "NAME_UNKNOWN");
    await a.refuse(404, "NOT_FOUND", "DELETE", "/orgs/acme/apps/rocket", { as: alice });
  });

  test("users: admins only, not oneself, not the only owner of an organization; tokens stop working", async () => {
    const a = api();
    await a.refuse(403, "DENIED", "DELETE", "/users/bob", { as: alice });
    assert.match(await a.refuse(400, "INVALID_REQUEST", "DELETE", "/users/admin", { as: admin }), /yourself/);
    const owner = await a.refuse(409, "CONFLICT", "DELETE", "/users/alice", { as: admin });
    assert.match(owner, /only owner of acme/);
    const token = await a.expect(201, "POST", "/tokens", { as: bob, body: { name: "ci", scopes: ["api"] } });
    await a.expect(200, "GET", "/user", { as: ["bob", token.body.token] });
    const dry = await a.expect(200, "DELETE", "/users/bob?dryRun=true", { as: admin });
    assert.deepEqual(
      { organizations: dry.body.organizations, tokens: dry.body.tokens, deleted: dry.body.deleted },
      { organizations: ["acme"], tokens: 1, deleted: false },
    );
    await a.expect(200, "DELETE", "/users/bob", { as: admin });
    await a.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: ["bob", token.body.token] });
    await a.refuse(401, "UNAUTHORIZED", "GET", "/user", { as: bob });
    const org = await a.expect(200, "GET", "/orgs/acme", { as: alice });
    assert.deepEqual(
      org.body.members.map((m: { name: string }) => m.name),
      ["alice"],
    );
    // The name is free again, for a new account that inherits nothing.
    await a.expect(201, "POST", "/users", { as: admin, body: { name: "bob", password: "new-bob-password" } });
    await a.refuse(403, "DENIED", "GET", "/orgs/acme", { as: ["bob", "new-bob-password"] });
  });

  test("an administrator cannot delete themselves, so one administrator always remains", async () => {
    const a = api();
    await a.expect(201, "POST", "/users", {
      as: admin,
      body: { name: "root2", password: "root2-password", admin: true },
    });
    const root2 = ["root2", "root2-password"] as const;
    assert.match(await a.refuse(400, "INVALID_REQUEST", "DELETE", "/users/root2", { as: root2 }), /yourself/);
    await a.expect(200, "DELETE", "/users/root2", { as: admin });
  });

  test("organizations: owners only; repositories need force; everything in it goes", async () => {
    const a = api();
    await a.expect(200, "PUT", "/orgs/acme/members/bob", { as: alice, body: {} });
    await a.refuse(403, "DENIED", "DELETE", "/orgs/acme", { as: ["bob", "new-bob-password"] });
    assert.match(await a.refuse(409, "CONFLICT", "DELETE", "/orgs/acme", { as: alice }), /acme\/tools/);
    await a.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "devs", role: "write" } });
    const dry = await a.expect(200, "DELETE", "/orgs/acme?force=true&dryRun=true", { as: alice });
    assert.deepEqual(
      { repositories: dry.body.repositories, members: dry.body.members, teams: dry.body.teams },
      { repositories: ["acme/tools"], members: 2, teams: 2 },
    );
    await a.expect(200, "DELETE", "/orgs/acme?force=true", { as: alice });
    await a.refuse(404, "NOT_FOUND", "GET", "/orgs/acme", { as: alice });
    const gone = await fetch(`${wharf.url}/v2/acme/tools/tags/list`, { headers: { authorization: adminBasic } });
    assert.equal(((await gone.json()) as { errors: { code: string }[] }).errors[0]!.code, "NAME_UNKNOWN");
    // Alice is no longer the only owner of anything: she can be deleted now.
    await a.expect(200, "DELETE", "/users/alice", { as: admin });
  });

  test("every delete left an audit event", async () => {
    const a = api();
    const events = await a.expect(200, "GET", "/audit?limit=1000", { as: admin });
    const actions: string[] = events.body.events.map((e: { action: string }) => e.action);
    for (const action of ["repository.delete", "app.delete", "org.delete", "user.delete"]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(", ")}`);
    }
  });
});
