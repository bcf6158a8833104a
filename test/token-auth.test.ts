/**
 * @module
 * Proves Wharf's Docker token authentication through the real server with
 * accounts on (distribution `docs/spec/auth/token.md`, `jwt.md`, `oauth.md`,
 * `scope.md`):
 * - `/v2/` and repository requests without credentials answer 401 with a
 *   Bearer challenge naming the realm, the service and the needed scope;
 * - `GET /auth/token` grants exactly what was asked for and allowed (repeated
 *   and space-separated `scope` parameters), as an ES256 JWT with a key id,
 *   `aud`, `iss`, `sub` and a 300 s lifetime; asking for more is not an error
 *   (the grant is smaller, and using it gives `insufficient_scope`);
 * - malformed scopes are a 400 naming the scope; a wrong password is a 401;
 *   another service is a 400;
 * - a Bearer token with push scope pushes an image; tokens lacking the
 *   access, garbage tokens and refresh tokens are refused on `/v2`;
 * - Basic credentials work directly on `/v2`;
 * - `POST /auth/token` supports the OAuth2 `password` grant (with a refresh
 *   token for `access_type=offline`) and the `refresh_token` grant; bad
 *   refresh tokens are 401 and unknown grants 400;
 * - `wharf keys rotate` changes the signing key at once and tokens signed
 *   with the previous key keep verifying;
 * - the catalog needs `registry:catalog:*` and lists only what the caller
 *   may see; an expired token is refused (`invalid_token`), cached or not;
 * - ten failed logins block the account's password logins (token endpoint,
 *   OAuth grant and Basic on `/v2`) with 429 TOOMANYREQUESTS and Retry-After,
 *   while other accounts, anonymous requests and already issued tokens are
 *   unaffected; a successful login resets the account's failure count;
 * - the server's whole log contains no password, no issued token and no
 *   Authorization header value.
 */
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  basicAuth,
  bearerAuth,
  decodeJwt,
  parseChallenge,
  postToken,
  pushImageAs,
  requestToken,
  tokenBody,
} from "./support/registry-auth.ts";
import { errorCode } from "./support/registry-http.ts";
import { loggedRequests, waitForRequest } from "./support/request-log.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword, repoRoot, useWharf } from "./support/start-wharf.ts";

/** Every secret this file sent or received: none may appear in a server log. */
const secrets = new Set<string>([adminPassword]);

function remember<T extends string | undefined>(value: T): T {
  if (value) secrets.add(value);
  return value;
}

const adminBasic = remember(basicAuth("admin", adminPassword));

/** Access entries in a stable order, so comparisons ignore the order they were granted in. */
function sorted(access: readonly unknown[]): unknown[] {
  return [...access].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The access claim of a token, sorted. */
function accessOf(token: string): unknown[] {
  const access = decodeJwt(token).payload.access;
  assert.ok(Array.isArray(access), `access is not an array: ${JSON.stringify(access)}`);
  return sorted(access);
}

/** An access token for `scopes` obtained with `authorization` (admin by default). */
async function tokenFor(base: string, scopes: readonly string[], authorization: string | undefined = adminBasic) {
  const body = await tokenBody(
    await requestToken(base, [["service", "wharf"], ...scopes.map((s) => ["scope", s] as const)], authorization),
  );
  return remember(body.token);
}

/** A registry request with an Authorization header (remembered as a secret). */
function v2(base: string, path: string, authorization?: string, init: RequestInit = {}): Promise<Response> {
  remember(authorization);
  return fetch(`${base}/v2/${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
  });
}

/** The JSON body of an OCI error envelope. */
async function firstError(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { errors: { code: string; message: string }[] };
  assert.ok(body.errors[0], JSON.stringify(body));
  return body.errors[0];
}

describe("Docker token auth", () => {
  const wharf = useWharf({ auth: true });

  test("GET /v2/ without credentials is 401 with a Bearer challenge naming realm and service", async () => {
    const res = await v2(wharf.url, "");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), `Bearer realm="${wharf.url}/auth/token",service="wharf"`);
    assert.equal(res.headers.get("docker-distribution-api-version"), "registry/2.0");
    assert.equal(await errorCode(res), "UNAUTHORIZED");
  });

  test("repository requests challenge with the scope they need: pull to read, pull,push to push", async () => {
    const read = await v2(wharf.url, "admin/app/tags/list");
    assert.equal(read.status, 401);
    assert.equal(
      read.headers.get("www-authenticate"),
      `Bearer realm="${wharf.url}/auth/token",service="wharf",scope="repository:admin/app:pull"`,
    );
    assert.equal(await errorCode(read), "UNAUTHORIZED");

    const manifest = await v2(wharf.url, "admin/app/manifests/1.0", undefined, { method: "HEAD" });
    assert.equal(manifest.status, 401);
    assert.equal(parseChallenge(manifest.headers.get("www-authenticate")).params.scope, "repository:admin/app:pull");

    const upload = await v2(wharf.url, "admin/app/blobs/uploads/", undefined, { method: "POST" });
    assert.equal(upload.status, 401);
    assert.equal(
      upload.headers.get("www-authenticate"),
      `Bearer realm="${wharf.url}/auth/token",service="wharf",scope="repository:admin/app:pull,push"`,
    );
    assert.equal(await errorCode(upload), "UNAUTHORIZED");

    const put = await v2(wharf.url, "admin/app/manifests/1.0", undefined, {
      method: "PUT",
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body: "{}",
    });
    assert.equal(put.status, 401);
    assert.equal(parseChallenge(put.headers.get("www-authenticate")).params.scope, "repository:admin/app:pull,push");
  });

  test("GET /auth/token with Basic admin credentials grants exactly the requested scopes in an ES256 JWT", async () => {
    const res = await requestToken(
      wharf.url,
      [
        ["service", "wharf"],
        ["scope", "repository:admin/app:pull,push"],
        ["scope", "repository:admin/other:pull registry:catalog:*"],
        ["scope", "repository:elsewhere/tool:pull"],
      ],
      adminBasic,
    );
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await tokenBody(res);
    remember(body.token);
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "issued_at", "token"]);
    assert.equal(body.access_token, body.token);
    assert.equal(body.expires_in, 300);
    assert.ok(!Number.isNaN(Date.parse(body.issued_at)), `issued_at ${body.issued_at} is not a date`);
    assert.equal(new Date(body.issued_at).toISOString(), body.issued_at, "issued_at is not RFC 3339 (UTC)");

    const { header, payload } = decodeJwt(body.token);
    assert.equal(header.alg, "ES256");
    assert.equal(typeof header.kid, "string");
    assert.ok((header.kid as string).length > 0, "empty kid");
    assert.equal(payload.aud, "wharf");
    assert.equal(typeof payload.iss, "string");
    assert.ok((payload.iss as string).length > 0, "empty iss");
    assert.equal(payload.sub, "admin");
    assert.equal(typeof payload.iat, "number");
    assert.equal(typeof payload.exp, "number");
    assert.equal((payload.exp as number) - (payload.iat as number), 300);
    assert.equal(typeof payload.jti, "string");
    assert.deepEqual(
      accessOf(body.token),
      sorted([
        { type: "repository", name: "admin/app", actions: ["pull", "push"] },
        { type: "repository", name: "admin/other", actions: ["pull"] },
        { type: "registry", name: "catalog", actions: ["*"] },
        // admin is the server administrator: any namespace is granted.
        { type: "repository", name: "elsewhere/tool", actions: ["pull"] },
      ]),
    );
  });

  test("a scope-less token request (what docker login sends) is 200 with an empty access claim", async () => {
    const token = await tokenFor(wharf.url, []);
    assert.deepEqual(decodeJwt(token).payload.access, []);
    assert.equal(decodeJwt(token).payload.sub, "admin");
    const base = await v2(wharf.url, "", bearerAuth(token));
    assert.equal(base.status, 200, await base.clone().text());
  });

  test("asking for more than allowed is not an error: the token grants less, and using it is insufficient_scope", async () => {
    const res = await requestToken(wharf.url, [
      ["service", "wharf"],
      ["scope", "repository:admin/app:pull,push"],
    ]);
    const body = await tokenBody(res);
    remember(body.token);
    const { payload } = decodeJwt(body.token);
    assert.deepEqual(payload.access, []);
    assert.equal(payload.sub, "anonymous");

    const read = await v2(wharf.url, "admin/app/tags/list", bearerAuth(body.token));
    assert.equal(read.status, 401);
    const challenge = parseChallenge(read.headers.get("www-authenticate"));
    assert.equal(challenge.scheme, "Bearer");
    assert.deepEqual(challenge.params, {
      realm: `${wharf.url}/auth/token`,
      service: "wharf",
      scope: "repository:admin/app:pull",
      error: "insufficient_scope",
    });
    assert.equal(await errorCode(read), "UNAUTHORIZED");
  });

  test("malformed scopes are a 400 whose message names the scope and what is wrong", async () => {
    const cases: [string, RegExp][] = [
      ["bogus", /three ':'-separated parts/],
      ["repository:UPPER:pull", /not a valid repository name/],
      ["repository:x:fly", /unknown action "fly"/],
      ["nope:thing:pull", /unknown resource type "nope"/],
      ["repository:admin/app:", /no actions/],
    ];
    for (const [scope, why] of cases) {
      for (const authorization of [undefined, adminBasic]) {
        const res = await requestToken(
          wharf.url,
          [
            ["service", "wharf"],
            ["scope", "repository:admin/app:pull"],
            ["scope", scope],
          ],
          authorization,
        );
        assert.equal(res.status, 400, `${scope} with ${authorization ? "admin" : "no"} credentials`);
        const error = await firstError(res);
        assert.equal(error.code, "INVALID_REQUEST");
        assert.ok(error.message.includes(JSON.stringify(scope)), `${error.message} does not name ${scope}`);
        assert.match(error.message, why);
        assert.match(error.message, /expected e\.g\. repository:/);
      }
    }
    const many = Array.from({ length: 51 }, (_, n) => `repository:admin/app${n}:pull`).join(" ");
    const tooMany = await requestToken(wharf.url, [["scope", many]], adminBasic);
    assert.equal(tooMany.status, 400, "51 scopes at once");
    assert.match((await firstError(tooMany)).message, /at most 50 scopes/);

    const spaced = await requestToken(wharf.url, [["scope", "repository:admin/app:pull bogus"]], adminBasic);
    assert.equal(spaced.status, 400, "a malformed scope inside a space-separated list");
    assert.equal((await firstError(spaced)).code, "INVALID_REQUEST");

    const posted = await postToken(wharf.url, [
      ["grant_type", "password"],
      ["username", "admin"],
      ["password", adminPassword],
      ["scope", "repository:x:fly"],
    ]);
    assert.equal(posted.status, 400);
    assert.match((await firstError(posted)).message, /unknown action "fly"/);
  });

  test("a wrong password or an unknown user is 401 (same message); another service is 400", async () => {
    const wrong = await requestToken(wharf.url, [["service", "wharf"]], remember(basicAuth("admin", "not-it-1")));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get("www-authenticate"), 'Basic realm="wharf"');
    const wrongError = await firstError(wrong);
    assert.equal(wrongError.code, "UNAUTHORIZED");

    const unknown = await requestToken(wharf.url, [["service", "wharf"]], remember(basicAuth("nobody", "not-it-2")));
    assert.equal(unknown.status, 401);
    assert.deepEqual(await firstError(unknown), wrongError, "an unknown user must look like a wrong password");

    const other = await requestToken(
      wharf.url,
      [
        ["service", "other"],
        ["scope", "repository:admin/app:pull"],
      ],
      adminBasic,
    );
    assert.equal(other.status, 400);
    const otherError = await firstError(other);
    assert.equal(otherError.code, "INVALID_REQUEST");
    assert.match(otherError.message, /"wharf"/);
    assert.match(otherError.message, /"other"/);
  });

  test("Bearer flow: a push-scoped token pushes an image; tokens lacking the access are insufficient_scope", async () => {
    const pusher = await tokenFor(wharf.url, ["repository:admin/app:pull,push"]);
    const pushed = await pushImageAs(wharf.url, bearerAuth(pusher), "admin/app", "1.0");

    const read = await v2(wharf.url, "admin/app/manifests/1.0", bearerAuth(pusher), {
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get("docker-content-digest"), pushed.digest);
    assert.equal(await read.text(), pushed.body);

    const puller = await tokenFor(wharf.url, ["repository:admin/app:pull"]);
    assert.deepEqual(accessOf(puller), [{ type: "repository", name: "admin/app", actions: ["pull"] }]);
    const pulled = await v2(wharf.url, "admin/app/tags/list", bearerAuth(puller));
    assert.equal(pulled.status, 200);
    assert.deepEqual(await pulled.json(), { name: "admin/app", tags: ["1.0"] });

    const refused = await v2(wharf.url, "admin/app/blobs/uploads/", bearerAuth(puller), { method: "POST" });
    assert.equal(refused.status, 401);
    assert.deepEqual(parseChallenge(refused.headers.get("www-authenticate")).params, {
      realm: `${wharf.url}/auth/token`,
      service: "wharf",
      scope: "repository:admin/app:pull,push",
      error: "insufficient_scope",
    });
    assert.equal(await errorCode(refused), "UNAUTHORIZED");

    const overwrite = await v2(wharf.url, "admin/app/manifests/1.0", bearerAuth(puller), {
      method: "PUT",
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body: pushed.body,
    });
    assert.equal(overwrite.status, 401);
    assert.equal(parseChallenge(overwrite.headers.get("www-authenticate")).params.error, "insufficient_scope");

    const remove = await v2(wharf.url, `admin/app/manifests/${pushed.digest}`, bearerAuth(pusher), {
      method: "DELETE",
    });
    assert.equal(remove.status, 401, "a pull,push token must not delete");
    assert.equal(parseChallenge(remove.headers.get("www-authenticate")).params.scope, "repository:admin/app:delete");

    const otherRepository = await tokenFor(wharf.url, ["repository:admin/other:pull"]);
    const elsewhere = await v2(wharf.url, "admin/app/manifests/1.0", bearerAuth(otherRepository));
    assert.equal(elsewhere.status, 401, "a token for another repository");
    assert.equal(parseChallenge(elsewhere.headers.get("www-authenticate")).params.error, "insufficient_scope");

    const garbage = await v2(wharf.url, "admin/app/tags/list", "Bearer not.a.token");
    assert.equal(garbage.status, 401);
    assert.equal(parseChallenge(garbage.headers.get("www-authenticate")).params.error, "invalid_token");

    const [head, body] = pusher.split(".");
    const forged = `${head}.${body}.${Buffer.from("forged signature").toString("base64url")}`;
    const tampered = await v2(wharf.url, "admin/app/tags/list", bearerAuth(forged));
    assert.equal(tampered.status, 401, "a token with a wrong signature");
    assert.equal(parseChallenge(tampered.headers.get("www-authenticate")).params.error, "invalid_token");
  });

  test("the server administrator may push to any namespace with a Bearer token", async () => {
    const token = await tokenFor(wharf.url, ["repository:vendor/tool:pull,push"]);
    assert.deepEqual(accessOf(token), [{ type: "repository", name: "vendor/tool", actions: ["pull", "push"] }]);
    await pushImageAs(wharf.url, bearerAuth(token), "vendor/tool", "2.0");
    const anonymousRead = await v2(wharf.url, "vendor/tool/tags/list");
    assert.equal(anonymousRead.status, 401, "a new repository is private");
  });

  test("Basic credentials work directly on /v2; a wrong password there is 401", async () => {
    const base = await v2(wharf.url, "", adminBasic);
    assert.equal(base.status, 200, await base.clone().text());
    const tags = await v2(wharf.url, "admin/app/tags/list", adminBasic);
    assert.equal(tags.status, 200);
    assert.deepEqual(await tags.json(), { name: "admin/app", tags: ["1.0"] });

    const wrong = await v2(wharf.url, "admin/app/tags/list", basicAuth("admin", "not-it-3"));
    assert.equal(wrong.status, 401);
    assert.equal(parseChallenge(wrong.headers.get("www-authenticate")).scheme, "Bearer");
    assert.equal(await errorCode(wrong), "UNAUTHORIZED");
    const wrongBase = await v2(wharf.url, "", basicAuth("admin", "not-it-3"));
    assert.equal(wrongBase.status, 401);

    const malformed = await v2(wharf.url, "", "Digest whatever");
    assert.equal(malformed.status, 401);
  });

  test("POST /auth/token: password grant with access_type=offline gives a refresh token; the refresh grant re-scopes", async () => {
    const login = await postToken(wharf.url, [
      ["grant_type", "password"],
      ["username", "admin"],
      ["password", adminPassword],
      ["service", "wharf"],
      ["client_id", "wharf-tests"],
      ["access_type", "offline"],
      ["scope", "repository:admin/app:pull"],
    ]);
    assert.equal(login.headers.get("cache-control"), "no-store");
    const first = await tokenBody(login);
    remember(first.access_token);
    const refreshToken = remember(first.refresh_token);
    assert.equal(typeof refreshToken, "string", "no refresh_token for access_type=offline");
    assert.equal(first.expires_in, 300);
    assert.equal(first.scope, "repository:admin/app:pull");
    assert.deepEqual(accessOf(first.access_token), [{ type: "repository", name: "admin/app", actions: ["pull"] }]);
    const pulled = await v2(wharf.url, "admin/app/tags/list", bearerAuth(first.access_token));
    assert.equal(pulled.status, 200);

    const online = await tokenBody(
      await postToken(wharf.url, [
        ["grant_type", "password"],
        ["username", "admin"],
        ["password", adminPassword],
        ["service", "wharf"],
        ["client_id", "wharf-tests"],
      ]),
    );
    remember(online.access_token);
    assert.equal(online.refresh_token, undefined, "a refresh token without access_type=offline");

    const refreshed = await tokenBody(
      await postToken(wharf.url, [
        ["grant_type", "refresh_token"],
        ["refresh_token", refreshToken!],
        ["service", "wharf"],
        ["client_id", "wharf-tests"],
        ["scope", "repository:admin/app:pull,push"],
      ]),
    );
    remember(refreshed.access_token);
    remember(refreshed.refresh_token);
    assert.notEqual(refreshed.access_token, first.access_token);
    assert.equal(refreshed.scope, "repository:admin/app:pull,push");
    assert.equal(decodeJwt(refreshed.access_token).payload.sub, "admin");
    assert.deepEqual(accessOf(refreshed.access_token), [
      { type: "repository", name: "admin/app", actions: ["pull", "push"] },
    ]);
    const upload = await v2(wharf.url, "admin/app/blobs/uploads/", bearerAuth(refreshed.access_token), {
      method: "POST",
    });
    assert.equal(upload.status, 202, await upload.clone().text());
    const location = upload.headers.get("location");
    assert.ok(location);
    const cancel = await fetch(new URL(location, wharf.url), {
      method: "DELETE",
      headers: { authorization: bearerAuth(refreshed.access_token) },
    });
    assert.equal(cancel.status, 204);

    const viaGet = await tokenBody(
      await requestToken(
        wharf.url,
        [
          ["service", "wharf"],
          ["offline_token", "true"],
        ],
        adminBasic,
      ),
    );
    remember(viaGet.token);
    assert.equal(typeof remember(viaGet.refresh_token), "string", "GET with offline_token=true gives a refresh token");

    for (const invalid of ["garbage", first.access_token, `${refreshToken!.slice(0, -4)}AAAA`]) {
      const res = await postToken(wharf.url, [
        ["grant_type", "refresh_token"],
        ["refresh_token", invalid],
        ["service", "wharf"],
      ]);
      assert.equal(res.status, 401, `refresh with ${invalid.slice(0, 20)}…`);
      assert.equal((await firstError(res)).code, "UNAUTHORIZED");
    }
    const missing = await postToken(wharf.url, [["grant_type", "refresh_token"]]);
    assert.equal(missing.status, 401);

    const asAccess = await v2(wharf.url, "admin/app/tags/list", bearerAuth(refreshToken!));
    assert.equal(asAccess.status, 401, "a refresh token is not an access token");
    assert.equal(parseChallenge(asAccess.headers.get("www-authenticate")).params.error, "invalid_token");

    const wrongPassword = await postToken(wharf.url, [
      ["grant_type", "password"],
      ["username", "admin"],
      ["password", "not-it-4"],
      ["service", "wharf"],
    ]);
    assert.equal(wrongPassword.status, 401);
    assert.equal((await firstError(wrongPassword)).code, "UNAUTHORIZED");

    for (const form of [[["grant_type", "client_credentials"]], [["service", "wharf"]]] as const) {
      const res = await postToken(wharf.url, form);
      assert.equal(res.status, 400, JSON.stringify(form));
      const error = await firstError(res);
      assert.equal(error.code, "INVALID_REQUEST");
      assert.match(error.message, /grant_type/);
    }
  });

  test("wharf keys rotate: new tokens carry the new key id, and tokens signed before still verify", async () => {
    const before = await tokenFor(wharf.url, ["repository:admin/app:pull"]);
    await runOk(join(repoRoot, "bin", "wharf"), ["keys", "rotate", "--data", wharf.dataDir]);
    const keyFile = await stat(join(wharf.dataDir, "token-signing-keys.json"));
    assert.equal(keyFile.mode & 0o777, 0o600, "the signing keys must be readable by the owner only");
    const afterRotation = await tokenFor(wharf.url, ["repository:admin/app:pull"]);

    const oldKid = decodeJwt(before).header.kid;
    const newKid = decodeJwt(afterRotation).header.kid;
    assert.equal(typeof newKid, "string");
    assert.notEqual(newKid, oldKid, "the token issued after the rotation is signed with the old key");

    // `before` is presented for the first time only now, after the rotation.
    for (const token of [before, afterRotation]) {
      const res = await v2(wharf.url, "admin/app/tags/list", bearerAuth(token));
      assert.equal(res.status, 200, `token signed by ${decodeJwt(token).header.kid}: ${await res.clone().text()}`);
    }
  });

  test("the catalog needs registry:catalog:* in a Bearer token and lists only what the caller may see", async () => {
    const anonymous = await v2(wharf.url, "_catalog");
    assert.equal(anonymous.status, 200, await anonymous.clone().text());
    assert.deepEqual(await anonymous.json(), { repositories: [] }, "anonymous sees no private repository");

    const token = await tokenFor(wharf.url, ["registry:catalog:*"]);
    assert.deepEqual(accessOf(token), [{ type: "registry", name: "catalog", actions: ["*"] }]);
    const listed = await v2(wharf.url, "_catalog", bearerAuth(token));
    assert.equal(listed.status, 200);
    assert.deepEqual(await listed.json(), { repositories: ["admin/app", "vendor/tool"] });

    const basic = await v2(wharf.url, "_catalog", adminBasic);
    assert.deepEqual(await basic.json(), { repositories: ["admin/app", "vendor/tool"] });

    const withoutScope = await tokenFor(wharf.url, ["repository:admin/app:pull"]);
    const refused = await v2(wharf.url, "_catalog", bearerAuth(withoutScope));
    assert.equal(refused.status, 401);
    assert.deepEqual(parseChallenge(refused.headers.get("www-authenticate")).params, {
      realm: `${wharf.url}/auth/token`,
      service: "wharf",
      scope: "registry:catalog:*",
      error: "insufficient_scope",
    });
  });

  test("the server's log holds no password, no issued token and no Authorization header value", async () => {
    await fetch(`${wharf.url}/healthz`, { headers: { "x-request-id": "token-auth-final" } });
    await waitForRequest(wharf.output, (r) => r.path === "/healthz");
    const log = wharf.output();
    const requests = loggedRequests(log);
    assert.ok(
      requests.some((r) => r.path.startsWith("/auth/token") && r.status === 200),
      "the log does not hold the token requests: this test would prove nothing",
    );
    assert.ok(requests.some((r) => r.method === "PUT" && r.path === "/v2/admin/app/manifests/1.0"));
    assert.ok(secrets.size > 10, `only ${secrets.size} secrets were collected`);
    for (const secret of secrets) {
      for (const form of new Set([secret, secret.replace(/^(Basic|Bearer) /, "")])) {
        assert.ok(!log.includes(form), `the log contains a secret: ${form.slice(0, 24)}…`);
      }
    }
    const jwtHeaderStart = Buffer.from('{"alg":"ES256",').toString("base64url").slice(0, 16);
    assert.ok(!log.includes(jwtHeaderStart), "the log contains something shaped like an issued token");
    for (const password of ["not-it-1", "not-it-2", "not-it-3", "not-it-4"]) {
      assert.ok(!log.includes(password), `the log contains the attempted password ${password}`);
    }
  });
});

describe("login rate limiting (a server of its own)", () => {
  const wharf = useWharf({ auth: true });

  test("ten failed logins block the account's password logins with 429, Retry-After, even with the right password", async () => {
    const issuedBefore = await tokenFor(wharf.url, ["repository:admin/app:pull,push"]);

    for (let attempt = 1; attempt <= 10; attempt++) {
      const res = await requestToken(wharf.url, [["service", "wharf"]], basicAuth("admin", `guess-${attempt}`));
      assert.equal(res.status, 401, `failed attempt ${attempt}`);
      await res.arrayBuffer();
    }

    const blocked = await requestToken(wharf.url, [["service", "wharf"]], adminBasic);
    assert.equal(blocked.status, 429, "the 11th attempt, with the right password");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
    const error = await firstError(blocked);
    assert.equal(error.code, "TOOMANYREQUESTS");
    assert.match(error.message, /retry/i);

    const basic = await v2(wharf.url, "", adminBasic);
    assert.equal(basic.status, 429, "Basic on /v2 is a password login too");
    assert.ok(Number(basic.headers.get("retry-after")) > 0);
    assert.equal(await errorCode(basic), "TOOMANYREQUESTS");

    const oauth = await postToken(wharf.url, [
      ["grant_type", "password"],
      ["username", "admin"],
      ["password", adminPassword],
      ["service", "wharf"],
    ]);
    assert.equal(oauth.status, 429, "the OAuth password grant");
    assert.ok(Number(oauth.headers.get("retry-after")) > 0);
    assert.equal((await firstError(oauth)).code, "TOOMANYREQUESTS");

    const issued = await v2(wharf.url, "admin/app/blobs/uploads/", bearerAuth(issuedBefore), { method: "POST" });
    assert.equal(issued.status, 202, `a token issued before the block: ${await issued.clone().text()}`);
  });

  test("the block is per account: other accounts and anonymous requests are unaffected", async () => {
    const other = await requestToken(wharf.url, [["service", "wharf"]], basicAuth("someone-else", "guess"));
    assert.equal(other.status, 401, "another account is not blocked by admin's failures");

    const anonymous = await requestToken(wharf.url, [["service", "wharf"]]);
    assert.equal(anonymous.status, 200);
    remember(((await anonymous.json()) as { token: string }).token);

    const stillBlocked = await v2(wharf.url, "", adminBasic);
    assert.equal(stillBlocked.status, 429);
  });

  test("the rate-limited server's log holds neither the password nor the guesses", async () => {
    await fetch(`${wharf.url}/healthz`);
    await waitForRequest(wharf.output, (r) => r.path === "/healthz");
    const log = wharf.output();
    assert.ok(
      loggedRequests(log).some((r) => r.status === 429),
      "the log does not hold the refused logins",
    );
    for (const secret of [adminPassword, adminBasic, ...Array.from({ length: 10 }, (_, n) => `guess-${n + 1}`)]) {
      assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 24)}`);
    }
  });
});

describe("token expiry (a server issuing 2-second tokens)", () => {
  const wharf = useWharf({ auth: true, clock: true, env: { WHARF_AUTH__TOKEN_TTL: "2s" } });

  test("an expired access token is refused with invalid_token, whether or not it was used before", async () => {
    const body = await tokenBody(
      await requestToken(
        wharf.url,
        [
          ["service", "wharf"],
          ["scope", "repository:admin/app:pull"],
        ],
        adminBasic,
      ),
    );
    assert.equal(body.expires_in, 2);
    const used = remember(body.token);
    const { payload } = decodeJwt(used);
    assert.equal((payload.exp as number) - (payload.iat as number), 2);
    const unused = await tokenFor(wharf.url, ["repository:admin/app:pull"]);
    const early = await v2(wharf.url, "admin/app/tags/list", bearerAuth(used));
    assert.notEqual(early.status, 401, "the token was refused before it expired");

    // Move the server's clock past both tokens' `exp` (no sleeping).
    const latestExp = Math.max(payload.exp as number, decodeJwt(unused).payload.exp as number);
    await wharf.advanceClock(latestExp * 1000 - wharf.serverNow() + 1);

    for (const [label, token] of [
      ["a cached token", used],
      ["a never-used token", unused],
    ] as const) {
      const res = await v2(wharf.url, "admin/app/tags/list", bearerAuth(token));
      assert.equal(res.status, 401, label);
      assert.equal(parseChallenge(res.headers.get("www-authenticate")).params.error, "invalid_token", label);
    }
  });
});

describe("a successful login resets the account's failures (a server of its own)", () => {
  const wharf = useWharf({ auth: true });

  async function login(secret: string): Promise<number> {
    const res = await requestToken(wharf.url, [["service", "wharf"]], basicAuth("admin", secret));
    const body = (await res.json()) as { token?: string };
    remember(body.token);
    return res.status;
  }

  test("failures before a successful login no longer count, also when the password check was cached", async () => {
    // The limiter's contract (src/accounts/login-rate-limiter.ts): "A successful login clears its
    // account's failures". The first success checks the password with scrypt; the second is within
    // the verifier's one-minute password cache.
    assert.equal(await login(adminPassword), 200);
    for (let n = 1; n <= 9; n++) assert.equal(await login(`typo-${n}`), 401, `failure ${n}`);
    assert.equal(await login(adminPassword), 200, "the right password after nine failures");
    assert.equal(await login("typo-10"), 401, "one failure after a success");
    assert.equal(
      await login(adminPassword),
      200,
      "one failure since the last successful login must not block the account (the success did not reset the count)",
    );
  });
});
