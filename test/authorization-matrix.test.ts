/**
 * @module
 * The authorization matrix, every cell asserted through the real HTTP API of
 * one server with accounts on: subjects (anonymous, an organization owner,
 * members of an admin, a write and a read team, a plain member, a member of
 * another organization, a repository-scoped API token, an expired token, a
 * revoked token, an organization robot) × repositories (private, public, an
 * application namespace, another organization's) × actions (pull a manifest;
 * push a blob and a manifest; delete a tag), plus the catalog each subject
 * sees. Each cell runs twice: with Basic credentials straight on `/v2`, and
 * through the Docker token flow (`GET /auth/token` with the subject's
 * credentials and the cell's scope, then Bearer). Allowed is 2xx and has its
 * effect; refused is 401 for anonymous and bad credentials (`insufficient_scope`
 * for an anonymous Bearer token), 403 DENIED naming the missing permission
 * for a known subject lacking it — with Basic credentials, and with a Bearer
 * token (whose `access` claim holds exactly what the subject may do, so a
 * new token would not help) — and has no effect. The world is built in
 * `support/authorization-world.ts`; every subject sends from its own
 * loopback address, so the bad credentials' failed logins cannot get the
 * others rate-limited.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildWorld, type Repository, repositories, type World } from "./support/authorization-world.ts";
import { type HttpAnswer, type HttpRequest, requestFrom } from "./support/http-from.ts";
import { basicAuth, bearerAuth, decodeJwt, parseChallenge } from "./support/registry-auth.ts";
import { sha256 } from "./support/registry-http.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

/** How a subject logs in: not at all, with valid credentials, or with credentials that no longer work. */
type Login = "none" | "valid" | "invalid";

const subjects = {
  anonymous: "none",
  owner: "valid",
  "admin-team": "valid",
  writer: "valid",
  reader: "valid",
  member: "valid",
  outsider: "valid",
  "scoped-token": "valid",
  "expired-token": "invalid",
  "revoked-token": "invalid",
  robot: "valid",
} as const satisfies Record<string, Login>;
type Subject = keyof typeof subjects;

/** One row per subject × repository: the registry actions the subject may perform there ("" = none). */
// biome-ignore format: a table, aligned to be read
const matrix: readonly (readonly [Subject, Repository, string])[] = [
  ["anonymous",     "acme/private", ""],                 ["anonymous",     "acme/public", "pull"],
  ["anonymous",     "myapp/worker", ""],                 ["anonymous",     "other/secret", ""],
  ["owner",         "acme/private", "pull push delete"], ["owner",         "acme/public", "pull push delete"],
  ["owner",         "myapp/worker", "pull push delete"], ["owner",         "other/secret", ""],
  ["admin-team",    "acme/private", "pull push delete"], ["admin-team",    "acme/public", "pull push delete"],
  ["admin-team",    "myapp/worker", "pull push delete"], ["admin-team",    "other/secret", ""],
  ["writer",        "acme/private", "pull push"],        ["writer",        "acme/public", "pull push"],
  ["writer",        "myapp/worker", "pull push"],        ["writer",        "other/secret", ""],
  ["reader",        "acme/private", "pull"],             ["reader",        "acme/public", "pull"],
  ["reader",        "myapp/worker", "pull"],             ["reader",        "other/secret", ""],
  ["member",        "acme/private", ""],                 ["member",        "acme/public", "pull"],
  ["member",        "myapp/worker", ""],                 ["member",        "other/secret", ""],
  ["outsider",      "acme/private", ""],                 ["outsider",      "acme/public", "pull"],
  ["outsider",      "myapp/worker", ""],                 ["outsider",      "other/secret", "pull push"],
  ["scoped-token",  "acme/private", "pull"],             ["scoped-token",  "acme/public", "pull"],
  ["scoped-token",  "myapp/worker", ""],                 ["scoped-token",  "other/secret", ""],
  ["expired-token", "acme/private", ""],                 ["expired-token", "acme/public", ""],
  ["expired-token", "myapp/worker", ""],                 ["expired-token", "other/secret", ""],
  ["revoked-token", "acme/private", ""],                 ["revoked-token", "acme/public", ""],
  ["revoked-token", "myapp/worker", ""],                 ["revoked-token", "other/secret", ""],
  ["robot",         "acme/private", "pull push"],        ["robot",         "acme/public", "pull push"],
  ["robot",         "myapp/worker", ""],                 ["robot",         "other/secret", ""],
];

/** What `GET /v2/_catalog` lists for each subject; "refused" when its credentials are refused. */
// biome-ignore format: a table, aligned to be read
const catalogs: Readonly<Record<Subject, readonly Repository[] | "refused">> = {
  anonymous:       ["acme/public"],
  owner:           ["acme/private", "acme/public", "myapp/worker"],
  "admin-team":    ["acme/private", "acme/public", "myapp/worker"],
  writer:          ["acme/private", "acme/public", "myapp/worker"],
  reader:          ["acme/private", "acme/public", "myapp/worker"],
  member:          ["acme/public"],
  outsider:        ["acme/public", "other/secret"],
  "scoped-token":  ["acme/private", "acme/public"],
  "expired-token": "refused",
  "revoked-token": "refused",
  robot:           ["acme/private", "acme/public"],
};

const actions = ["pull", "push", "delete"] as const;
type Action = (typeof actions)[number];
/** The token scope actions each action needs (as the registry's challenges name them). */
const needs: Record<Action, readonly string[]> = { pull: ["pull"], push: ["pull", "push"], delete: ["delete"] };
const modes = ["basic", "bearer"] as const;
type Mode = (typeof modes)[number];
const manifestType = "application/vnd.oci.image.manifest.v1+json";

let wharf: WharfProcess;
let world: World;
const adminBasic = basicAuth("admin", adminPassword);

/** Each subject and mode sends from its own loopback address (see the module comment). */
function addressOf(subject: Subject, mode: Mode): string {
  return `127.0.${10 + modes.indexOf(mode)}.${1 + Object.keys(subjects).indexOf(subject)}`;
}

function basicOf(subject: Subject): string | undefined {
  const credentials = world.credentials.get(subject);
  return credentials ? basicAuth(...credentials) : undefined;
}

function send(subject: Subject, mode: Mode, path: string, authorization: string | undefined, init: HttpRequest = {}) {
  const headers = { ...init.headers, ...(authorization ? { authorization } : {}) };
  return requestFrom(addressOf(subject, mode), `${wharf.url}${path}`, { ...init, headers });
}

/** The status of a manifest by tag, as the server administrator sees it. */
async function tagStatus(repository: Repository, tag: string): Promise<number> {
  const res = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { authorization: adminBasic, accept: manifestType },
  });
  return res.status;
}

function describeAnswer(what: string, answer: HttpAnswer): string {
  return `${what} → ${answer.status} ${answer.headers.get("www-authenticate") ?? ""} ${answer.text.slice(0, 300)}`;
}

/**
 * The Authorization header a cell uses: Basic credentials (none for
 * anonymous) or a Bearer token from `GET /auth/token` for `scope`, whose
 * access claim must be `granted`. Undefined when the token endpoint (rightly)
 * refused the subject's credentials.
 */
async function authorizationFor(subject: Subject, mode: Mode, scope: string, granted: unknown[]) {
  if (mode === "basic") return { authorization: basicOf(subject) };
  const query = new URLSearchParams([
    ["service", "wharf"],
    ["scope", scope],
  ]);
  const res = await send(subject, mode, `/auth/token?${query}`, basicOf(subject));
  if (subjects[subject] === "invalid") {
    assert.equal(res.status, 401, describeAnswer("token request with bad credentials", res));
    assert.equal(JSON.parse(res.text).errors[0].code, "UNAUTHORIZED");
    return undefined;
  }
  assert.equal(res.status, 200, describeAnswer("token request", res));
  const token = (JSON.parse(res.text) as { token: string }).token;
  assert.deepEqual(decodeJwt(token).payload.access, granted, `the access claim for ${scope}`);
  return { authorization: bearerAuth(token) };
}

/** Asserts the right refusal for `subject` in `mode` of a request needing `scope`. */
function assertRefused(answer: HttpAnswer, subject: Subject, mode: Mode, scope: string, what: string): void {
  const message = describeAnswer(what, answer);
  const code = (JSON.parse(answer.text || "{}") as { errors?: { code: string }[] }).errors?.[0]?.code;
  if (subjects[subject] === "valid") {
    assert.equal(answer.status, 403, message);
    assert.equal(code, "DENIED", message);
    const text = (JSON.parse(answer.text) as { errors: { message: string }[] }).errors[0]!.message;
    assert.match(text, /^requested access to the resource is denied: .+ may not .+: ask an owner of /, message);
    return;
  }
  assert.equal(answer.status, 401, message);
  assert.equal(code, "UNAUTHORIZED", message);
  const challenge = parseChallenge(answer.headers.get("www-authenticate"));
  assert.equal(challenge.scheme, "Bearer", message);
  assert.equal(challenge.params.scope, scope, message);
  const error =
    mode === "bearer" ? "insufficient_scope" : subjects[subject] === "invalid" ? "invalid_token" : undefined;
  assert.equal(challenge.params.error, error, message);
}

/** Runs one cell: `subject`, which may do `may` on `repository`, tries `action` there in `mode`. */
async function runCell(subject: Subject, repository: Repository, may: ReadonlySet<string>, action: Action, mode: Mode) {
  const allowed = may.has(action);
  const needed = needs[action];
  const scope = `repository:${repository}:${needed.join(",")}`;
  const grantedActions = needed.filter((a) => may.has(a));
  const granted = grantedActions.length > 0 ? [{ type: "repository", name: repository, actions: grantedActions }] : [];
  const auth = await authorizationFor(subject, mode, scope, granted);
  if (!auth) return;
  const image = world.images.get(repository)!;
  const tag = `${action}-${subject}-${mode}`;
  const expect = (answer: HttpAnswer, status: number, what: string) => {
    if (allowed) assert.equal(answer.status, status, describeAnswer(what, answer));
    else assertRefused(answer, subject, mode, scope, what);
  };

  if (action === "pull") {
    const answer = await send(subject, mode, `/v2/${repository}/manifests/base`, auth.authorization, {
      headers: { accept: manifestType },
    });
    expect(answer, 200, "GET manifest");
    if (allowed) assert.equal(answer.headers.get("docker-content-digest"), image.digest);
  } else if (action === "push") {
    const blob = `a blob pushed by ${subject} with ${mode} to ${repository}`;
    const upload = await send(
      subject,
      mode,
      `/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`,
      auth.authorization,
      {
        method: "POST",
        body: blob,
      },
    );
    expect(upload, 201, "POST blob upload");
    const put = await send(subject, mode, `/v2/${repository}/manifests/${tag}`, auth.authorization, {
      method: "PUT",
      headers: { "content-type": manifestType },
      body: image.body,
    });
    expect(put, 201, "PUT manifest");
    assert.equal(await tagStatus(repository, tag), allowed ? 200 : 404, `${tag} after the push`);
  } else {
    const made = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      headers: { authorization: adminBasic, "content-type": manifestType },
      body: image.body,
    });
    assert.equal(made.status, 201, `admin could not make the throwaway tag ${tag}`);
    const answer = await send(subject, mode, `/v2/${repository}/manifests/${tag}`, auth.authorization, {
      method: "DELETE",
    });
    expect(answer, 202, "DELETE manifest by tag");
    assert.equal(await tagStatus(repository, tag), allowed ? 404 : 200, `${tag} after the delete`);
  }
}

/** Runs the catalog cell of `subject` in `mode`. */
async function runCatalog(subject: Subject, mode: Mode) {
  const expected = catalogs[subject];
  const auth = await authorizationFor(subject, mode, "registry:catalog:*", [
    { type: "registry", name: "catalog", actions: ["*"] },
  ]);
  if (!auth) return;
  const answer = await send(subject, mode, "/v2/_catalog", auth.authorization);
  if (expected === "refused") {
    assertRefused(answer, subject, mode, "registry:catalog:*", "GET catalog");
    return;
  }
  assert.equal(answer.status, 200, describeAnswer("GET catalog", answer));
  assert.deepEqual(JSON.parse(answer.text), { repositories: expected });
}

before(async () => {
  wharf = await startWharf({ auth: true });
  world = await buildWorld(wharf);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
});

test("the table has exactly one row per subject × repository, naming only known actions", () => {
  const keys = matrix.map(([subject, repository]) => `${subject} ${repository}`);
  assert.equal(new Set(keys).size, keys.length, "a subject × repository row appears twice");
  for (const subject of Object.keys(subjects) as Subject[]) {
    for (const repository of repositories)
      assert.ok(keys.includes(`${subject} ${repository}`), `${subject} ${repository}`);
  }
  for (const [subject, repository, may] of matrix) {
    for (const action of may.split(" ").filter(Boolean)) {
      assert.ok((actions as readonly string[]).includes(action), `${subject} ${repository}: ${action}`);
    }
    if (subjects[subject] === "invalid") assert.equal(may, "", `${subject} ${repository}`);
  }
});

for (const mode of modes) {
  describe(mode === "basic" ? "Basic credentials on /v2" : "the token flow: GET /auth/token, then Bearer", () => {
    for (const [subject, repository, may] of matrix) {
      const allowed = new Set(may.split(" ").filter(Boolean));
      for (const action of actions) {
        test(`${subject} ${action} ${repository}: ${allowed.has(action) ? "allowed" : "refused"}`, () =>
          runCell(subject, repository, allowed, action, mode));
      }
    }
    for (const subject of Object.keys(subjects) as Subject[]) {
      const expected = catalogs[subject];
      test(`${subject} catalog: ${expected === "refused" ? "refused" : `[${expected.join(", ")}]`}`, () =>
        runCatalog(subject, mode));
    }
  });
}
