/**
 * @module
 * The `wharf` command line driven as a user would drive it — `bin/wharf` in
 * a child process, with its session in a temporary `WHARF_CONFIG_DIR` —
 * against a real server with accounts on: login with `--password-stdin`
 * (a 0600 session file in a 0700 directory), users, organizations, teams,
 * applications, visibility and grants, tokens printed once on the last line
 * and working for the registry, robots, the audit log, `--output json`,
 * clear errors with a non-zero exit, and logout revoking the session token.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { adminPassword, removeDataDir, repoRoot, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let scratch: string;
let adminDir: string;
let aliceDir: string;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `wharf args…` with `configDir` as its config directory and `stdin` as its input. */
function wharfCli(configDir: string, args: readonly string[], stdin = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, WHARF_CONFIG_DIR: configDir };
    delete env.WHARF_TOKEN;
    delete env.WHARF_USERNAME;
    const child = spawn(join(repoRoot, "bin", "wharf"), args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** Runs and asserts exit 0; returns stdout. */
async function ok(configDir: string, args: readonly string[], stdin = ""): Promise<string> {
  const run = await wharfCli(configDir, args, stdin);
  assert.equal(run.code, 0, `wharf ${args.join(" ")}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return run.stdout;
}

/** Runs and asserts a non-zero exit with a `wharf: …` message; returns stderr. */
async function fails(configDir: string, args: readonly string[], stdin = ""): Promise<string> {
  const run = await wharfCli(configDir, args, stdin);
  assert.notEqual(run.code, 0, `wharf ${args.join(" ")} should fail\nstdout:\n${run.stdout}`);
  assert.match(run.stderr, /^wharf: /m);
  return run.stderr;
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1)!;
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  scratch = await mkdtemp(join(tmpdir(), "wharf-cli-"));
  adminDir = join(scratch, "admin", "wharf");
  aliceDir = join(scratch, "alice", "wharf");
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
  await rm(scratch, { recursive: true, force: true });
});

describe("wharf CLI", () => {
  test("a wrong password fails with a clear message and stores nothing", async () => {
    const stderr = await fails(adminDir, ["login", wharf.url, "-u", "admin", "--password-stdin"], "wrong\n");
    assert.match(stderr, /wharf: the username, password or token is not valid/);
    await assert.rejects(stat(join(adminDir, "session.json")), { code: "ENOENT" });
  });

  test("login --password-stdin stores a 0600 session with an API token, and prints no secret", async () => {
    const out = await ok(adminDir, ["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
    assert.match(out, /Logged in to http:\/\/127\.0\.0\.1:\d+ as admin/);
    const file = join(adminDir, "session.json");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(adminDir)).mode & 0o777, 0o700);
    const session = JSON.parse(await readFile(file, "utf8"));
    assert.equal(session.server, wharf.url);
    assert.equal(session.username, "admin");
    assert.match(session.tokenName, /^cli-\d{8}-\d{6}$/);
    assert.match(session.token, /^wharf_pat_/);
    assert.ok(!out.includes(session.token) && !out.includes(adminPassword));
    const me = JSON.parse(await ok(adminDir, ["whoami", "--output", "json"]));
    assert.equal(me.name, "admin");
    assert.equal(me.admin, true);
  });

  test("the admin creates users; a user logs in to their own session", async () => {
    await ok(
      adminDir,
      ["user", "create", "alice", "--password-stdin", "--email", "alice@example.com"],
      "alice-pass-1\n",
    );
    await ok(adminDir, ["user", "create", "bob", "--password-stdin"], "bob-pass-1\n");
    const users = await ok(adminDir, ["user", "list"]);
    assert.match(users, /^NAME\s+EMAIL\s+ADMIN\s+DISABLED$/m);
    assert.match(users, /^alice\s+alice@example\.com\s+no\s+no$/m);
    assert.ok(!users.includes("alice-pass-1"));
    await ok(aliceDir, ["login", wharf.url, "-u", "alice", "--password-stdin"], "alice-pass-1\n");
    assert.match(await fails(aliceDir, ["user", "list"]), /only a server administrator may list users/);
  });

  test("organizations, teams and applications", async () => {
    assert.match(await ok(aliceDir, ["org", "create", "acme"]), /Created organization acme/);
    assert.match(await fails(aliceDir, ["org", "create", "acme"]), /wharf: name "acme" is taken/);
    assert.match(await fails(aliceDir, ["org", "create", "Acme_Corp"]), /lower-case/);
    await ok(aliceDir, ["org", "add-member", "acme", "admin", "--owner"]);
    await ok(aliceDir, ["team", "create", "acme", "devs", "--role", "write"]);
    await ok(aliceDir, ["team", "add", "acme", "devs", "bob"]);
    const teams = JSON.parse(await ok(aliceDir, ["team", "list", "acme", "--output", "json"]));
    assert.deepEqual(teams.teams, [{ name: "devs", role: "write", members: ["bob"] }]);
    assert.match(await ok(aliceDir, ["team", "list", "acme"]), /^TEAM\s+ROLE\s+MEMBERS\ndevs\s+write\s+bob$/m);
    assert.notEqual((await wharfCli(aliceDir, ["team", "create", "acme", "x", "--role", "boss"])).code, 0);
    assert.match(await ok(aliceDir, ["app", "create", "acme", "myapp"]), /Push images as 127\.0\.0\.1:\d+\/myapp\//);
    const apps = JSON.parse(await ok(aliceDir, ["app", "list", "acme", "--output", "json"]));
    assert.deepEqual(apps.applications, [{ slug: "myapp", organization: "acme", public: false }]);
    const orgs = JSON.parse(await ok(aliceDir, ["org", "list", "--output", "json"]));
    assert.deepEqual(orgs.organizations, [{ name: "acme", role: "owner" }]);
  });

  test("visibility and grants", async () => {
    assert.equal((await fetch(`${wharf.url}/v2/myapp/worker/tags/list`)).status, 401);
    await ok(aliceDir, ["repo", "set-visibility", "myapp/worker", "public"]);
    assert.equal((await fetch(`${wharf.url}/v2/myapp/worker/tags/list`)).status, 404, "public: anonymous may look");
    await ok(aliceDir, ["repo", "set-visibility", "myapp", "private"]);
    await ok(aliceDir, ["repo", "grant", "myapp/worker", "--team", "devs", "--role", "admin"]);
    assert.match(await ok(aliceDir, ["repo", "grants", "myapp/worker"]), /team devs\s+admin/);
    assert.match(
      await fails(aliceDir, ["repo", "grant", "myapp/worker", "--role", "read"]),
      /exactly one of --team or --user/,
    );
  });

  test("token create prints the token once, on the last line; it works for the registry until revoked", async () => {
    const args = ["token", "create", "--name", "ci", "--scope", "myapp/*:pull,push", "--expires", "30d"];
    const out = await ok(aliceDir, args);
    const token = lastLine(out);
    assert.match(token, /^wharf_pat_[A-Za-z0-9_-]{43}$/);
    const pull = await fetch(`${wharf.url}/v2/myapp/private/tags/list`, {
      headers: { authorization: basic("alice", token) },
    });
    assert.equal(pull.status, 404, "the token may pull from myapp (an empty repository)");
    const list = await ok(aliceDir, ["token", "list", "--output", "json"]);
    assert.ok(!list.includes(token), "token list never shows a token");
    assert.deepEqual(
      JSON.parse(list).tokens.map((t: { name: string }) => t.name),
      [JSON.parse(await readFile(join(aliceDir, "session.json"), "utf8")).tokenName, "ci"],
    );
    await ok(aliceDir, ["token", "revoke", "ci"]);
    const after = await fetch(`${wharf.url}/v2/myapp/private/tags/list`, {
      headers: { authorization: basic("alice", token) },
    });
    assert.equal(after.status, 401);
    assert.match(await fails(aliceDir, ["token", "revoke", "ci"]), /no token named "ci"/);
  });

  test("robots: created with a secret shown once, scopes confined to the organization", async () => {
    const out = await ok(aliceDir, ["robot", "create", "acme", "builder", "--scope", "myapp/*:pull"]);
    assert.match(out, /acme\+builder/);
    assert.match(lastLine(out), /^wharf_robot_/);
    assert.match(await fails(aliceDir, ["robot", "create", "acme", "r2", "--scope", "*:pull"]), /reaches outside acme/);
    assert.ok(!(await ok(aliceDir, ["robot", "list", "acme"])).includes(lastLine(out)));
    await ok(aliceDir, ["robot", "revoke", "acme", "builder"]);
  });

  test("audit shows the caller's own events; the admin sees everyone's", async () => {
    const own = JSON.parse(await ok(aliceDir, ["audit", "--since", "1h", "--output", "json"]));
    assert.ok(own.events.length > 0);
    assert.ok(own.events.every((e: { actor: string }) => e.actor === "alice"));
    assert.ok(own.events.some((e: { action: string }) => e.action === "org.create"));
    assert.match(await ok(aliceDir, ["audit"]), /^TIME\s+ACTOR\s+ACTION\s+TARGET/m);
    assert.match(await fails(aliceDir, ["audit", "--actor", "admin"]), /only a server administrator/);
    const all = JSON.parse(await ok(adminDir, ["audit", "--actor", "alice", "--output", "json"]));
    assert.ok(all.events.some((e: { action: string }) => e.action === "app.create"));
    const first = await ok(aliceDir, ["audit", "--target-prefix", "robot:acme+", "--limit", "1"]);
    assert.match(first, /robot\.(create|revoke)\s+robot:acme\+builder/);
    const cursor = /^more events: add --cursor (\d+)$/m.exec(first)?.[1];
    assert.ok(cursor, first);
    const second = JSON.parse(
      await ok(aliceDir, ["audit", "--target-prefix", "robot:acme+", "--limit", "1", "--cursor", cursor, "--json"]),
    );
    assert.equal(second.events.length, 1);
    const created = JSON.parse(await ok(aliceDir, ["audit", "--action", "robot.create", "--output", "json"]));
    assert.deepEqual(
      created.events.map((e: { target: string }) => e.target),
      ["robot:acme+builder"],
    );
  });

  test("--server must match the session", async () => {
    assert.match(
      await fails(aliceDir, ["whoami", "--server", "http://127.0.0.1:1"]),
      /not logged in to http:\/\/127\.0\.0\.1:1/,
    );
  });

  test("logout revokes the session token and forgets it", async () => {
    const session = JSON.parse(await readFile(join(aliceDir, "session.json"), "utf8"));
    assert.match(await ok(aliceDir, ["logout"]), /Logged out/);
    await assert.rejects(stat(join(aliceDir, "session.json")), { code: "ENOENT" });
    const res = await fetch(`${wharf.url}/api/v1/user`, { headers: { authorization: basic("alice", session.token) } });
    assert.equal(res.status, 401);
    assert.match(await fails(aliceDir, ["whoami"]), /not logged in/);
    assert.match(await fails(aliceDir, ["logout"]), /not logged in/);
  });
});
