/**
 * @module
 * The everyday operations from the command line against a real server:
 * `login --expires` and `whoami` showing the expiry, `logout` revoking the
 * token on the server, `repo list`/`repo tags` and every list command with
 * `--json`, and each delete (`repo`, `app`, `team`, `org`, `user`) refusing
 * without `--yes` while saying what it would delete, refused by the server
 * for those without the right, and done with `--yes` (and `--force` where
 * repositories remain).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { basicAuth, pushImageAs } from "./support/registry-auth.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const alicePassword = "alice-password-1";
const bobPassword = "bob-password-1";
const day = 86_400_000;

describe("everyday operations from the CLI", () => {
  const wharf = useWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  let scratch: string;
  let admin: WharfCli;
  let alice: WharfCli;
  let bob: WharfCli;
  const adminBasic = basicAuth("admin", adminPassword);

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "wharf-everyday-cli-"));
    admin = createWharfCli(join(scratch, "admin"));
    alice = createWharfCli(join(scratch, "alice"));
    bob = createWharfCli(join(scratch, "bob"));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const session = async (who: string) =>
    JSON.parse(await readFile(join(scratch, who, "session.json"), "utf8")) as {
      tokenName: string;
      token: string;
      expiresAt?: string;
    };

  test("login gives the session token an expiry (30 days by default, --expires otherwise); whoami shows it", async () => {
    const before = Date.now();
    await admin.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
    const adminSession = await session("admin");
    const lifetime = Date.parse(adminSession.expiresAt!) - before;
    assert.ok(lifetime > 29 * day && lifetime <= 30 * day + 60_000, `expires ${adminSession.expiresAt}`);
    await admin.ok(["user", "create", "alice", "--password-stdin"], `${alicePassword}\n`);
    await admin.ok(["user", "create", "bob", "--password-stdin"], `${bobPassword}\n`);
    const out = await alice.ok(
      ["login", wharf.url, "-u", "alice", "--password-stdin", "--expires", "2h", "--json"],
      `${alicePassword}\n`,
    );
    const answer = JSON.parse(out);
    const hours = (Date.parse(answer.expiresAt) - before) / 3_600_000;
    assert.ok(hours > 1.9 && hours <= 2.1, answer.expiresAt);
    const whoami = await alice.ok(["whoami"]);
    assert.match(whoami, new RegExp(`API token ${answer.tokenName}, expires ${answer.expiresAt}`));
    assert.equal(JSON.parse(await alice.ok(["whoami", "--json"])).tokenExpiresAt, answer.expiresAt);
    assert.match(
      await bob.fails(
        ["login", wharf.url, "-u", "bob", "--password-stdin", "--expires", "forever"],
        `${bobPassword}\n`,
      ),
      /expiry/,
    );
    await bob.ok(["login", wharf.url, "-u", "bob", "--password-stdin"], `${bobPassword}\n`);
  });

  test("logout revokes the token on the server: the old secret no longer works", async () => {
    const extra = createWharfCli(join(scratch, "alice-2"));
    await extra.ok(["login", wharf.url, "-u", "alice", "--password-stdin"], `${alicePassword}\n`);
    const { token } = await session("alice-2");
    const works = await fetch(`${wharf.url}/api/v1/user`, { headers: { authorization: basicAuth("alice", token) } });
    assert.equal(works.status, 200);
    assert.match(await extra.ok(["logout"]), /revoked/);
    const after = await fetch(`${wharf.url}/api/v1/user`, { headers: { authorization: basicAuth("alice", token) } });
    assert.equal(after.status, 401);
  });

  test("repo list and repo tags, as text and --json; every list command takes --json", async () => {
    await alice.ok(["org", "create", "acme"]);
    await alice.ok(["app", "create", "acme", "rocket"]);
    await alice.ok(["team", "create", "acme", "readers", "--role", "read"]);
    await alice.ok(["team", "add", "acme", "readers", "bob"]);
    await pushImageAs(wharf.url, adminBasic, "rocket/api", "1.0");
    await pushImageAs(wharf.url, adminBasic, "rocket/api", "1.1");
    await pushImageAs(wharf.url, adminBasic, "acme/tools", "1");
    const text = await bob.ok(["repo", "list", "rocket"]);
    assert.match(
      text,
      /^REPOSITORY\s+TAGS\s+MANIFESTS\s+SIZE\s+BYTES\s+PUSHED \(UTC\)\nrocket\/api\s+2\s+2\s+\d+ B\s+\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m,
    );
    const listed = JSON.parse(await bob.ok(["repo", "list", "--json"]));
    assert.deepEqual(
      listed.repositories.map((r: { name: string }) => r.name),
      ["acme/tools", "rocket/api"],
    );
    const tags = JSON.parse(await bob.ok(["repo", "tags", "rocket/api", "--json"]));
    assert.deepEqual(
      tags.tags.map((t: { tag: string }) => t.tag),
      ["1.0", "1.1"],
    );
    assert.match(tags.tags[0].digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(tags.tags[0].size > 0);
    assert.match(await bob.ok(["repo", "tags", "rocket/api"]), /^1\.0\s+sha256:[0-9a-f]{12}\s+image\s+\d+ B\s+\d{4}-/m);
    const lists: [WharfCli, string[], string][] = [
      [admin, ["user", "list"], "users"],
      [alice, ["org", "list"], "organizations"],
      [alice, ["team", "list", "acme"], "teams"],
      [alice, ["app", "list", "acme"], "applications"],
      [alice, ["token", "list"], "tokens"],
      [alice, ["robot", "list", "acme"], "robots"],
      [alice, ["secret", "list", "--org", "acme"], "secrets"],
      [alice, ["service", "list", "--org", "acme"], "services"],
      [alice, ["repo", "grants", "acme/tools"], "grants"],
      [admin, ["audit"], "events"],
    ];
    for (const [who, args, key] of lists) {
      const parsed = JSON.parse(await who.ok([...args, "--json"]));
      assert.ok(Array.isArray(parsed[key]), `${args.join(" ")} --json has ${key}`);
    }
  });

  test("repo delete: refused without --yes (saying what would go), refused for a reader, done with --yes", async () => {
    const refused = await alice.fails(["repo", "delete", "rocket/api"]);
    assert.match(refused, /would delete repository rocket\/api: 2 tags, 2 manifests/);
    assert.match(refused, /nothing was deleted; run the command again with --yes/);
    assert.equal(JSON.parse(await bob.ok(["repo", "tags", "rocket/api", "--json"])).tags.length, 2);
    assert.match(
      await bob.fails(["repo", "delete", "rocket/api", "--yes"]),
      /only an owner or a member of an admin team/,
    );
    assert.match(await alice.ok(["repo", "delete", "rocket/api", "--yes"]), /Deleted repository rocket\/api \(2 tags/);
    const gone = await fetch(`${wharf.url}/v2/rocket/api/tags/list`, { headers: { authorization: adminBasic } });
    assert.equal(gone.status, 404);
    assert.match(await gone.text(), /NAME_UNKNOWN/);
  });

  test("app, team and org deletes: --yes to confirm, --force when repositories remain", async () => {
    await pushImageAs(wharf.url, adminBasic, "rocket/web", "1");
    assert.match(
      await alice.fails(["app", "delete", "acme", "rocket"]),
      /still holds 1 repository \(rocket\/web\).*--force/,
    );
    assert.match(await alice.fails(["app", "delete", "acme", "rocket", "--yes"]), /still holds 1 repository/);
    assert.match(
      await alice.fails(["app", "delete", "acme", "rocket", "--force"]),
      /would delete application rocket.*\n.*1 repository: rocket\/web/,
    );
    assert.match(await bob.fails(["app", "delete", "acme", "rocket", "--yes", "--force"]), /only an owner/);
    await alice.ok(["app", "delete", "acme", "rocket", "--yes", "--force"]);
    assert.equal(JSON.parse(await alice.ok(["app", "list", "acme", "--json"])).applications.length, 0);

    assert.match(
      await alice.fails(["team", "delete", "acme", "readers"]),
      /would delete team acme\/readers \(role read; bob\)/,
    );
    assert.match(await bob.fails(["team", "delete", "acme", "readers", "--yes"]), /only an owner/);
    await alice.ok(["team", "delete", "acme", "readers", "--yes"]);
    assert.equal(JSON.parse(await alice.ok(["team", "list", "acme", "--json"])).teams.length, 0);

    assert.match(await bob.fails(["org", "delete", "acme", "--yes", "--force"]), /not a member|only an owner/);
    const plan = await alice.fails(["org", "delete", "acme", "--force"]);
    assert.match(plan, /would delete organization acme/);
    assert.match(plan, /1 repository: acme\/tools/);
    await alice.ok(["org", "delete", "acme", "--yes", "--force"]);
    assert.equal(JSON.parse(await alice.ok(["org", "list", "--json"])).organizations.length, 0);
  });

  test("user delete: admins only, --yes to confirm; the user's session stops working", async () => {
    assert.match(await alice.fails(["user", "delete", "bob", "--yes"]), /only a server administrator/);
    const plan = await admin.fails(["user", "delete", "bob"]);
    assert.match(plan, /would delete user bob:\n\s+1 API token/);
    await admin.ok(["user", "delete", "bob", "--yes"]);
    assert.match(await bob.fails(["whoami"]), /log in|invalid|revoked/i);
    const users = JSON.parse(await admin.ok(["user", "list", "--json"]));
    assert.deepEqual(
      users.users.map((u: { name: string }) => u.name),
      ["admin", "alice"],
    );
  });
});
