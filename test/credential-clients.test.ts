/**
 * @module
 * Proves that real clients (Debian's skopeo, and podman when `podman info`
 * works here) log in to Wharf with an API token as the password and with a
 * robot's secret (`acme+ci`), push an image and pull it back with the same
 * digest — and that each kind of credential is cut off as promised:
 * revoking the API token, revoking the robot or disabling the user makes
 * Basic authentication with it fail on the very next `/v2` request, refuses
 * its refresh token (`POST /auth/token`, `grant_type=refresh_token` → 401),
 * while a Bearer token issued before keeps working until it expires (the
 * test moves the server's clock past its expiry); after that the client's next copy fails
 * with an authentication error. A disabled user's API tokens stop working
 * too. Last, the server's log holds none of the secrets the clients used.
 * The `/v2` probes are sent from their own loopback address, so their
 * deliberate failures do not count against the clients' address.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import {
  authsIn,
  type ClientSandbox,
  createClientSandbox,
  isAuthError,
  skipWithoutPodman,
} from "./support/container-clients.ts";
import { requestFrom } from "./support/http-from.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { type BuiltImage, buildImage, readOciLayout, taggedDescriptor, writeOciLayout } from "./support/oci-layout.ts";
import {
  basicAuth,
  bearerAuth,
  decodeJwt,
  parseChallenge,
  postToken,
  requestToken,
  tokenBody,
} from "./support/registry-auth.ts";
import { describeResult } from "./support/run-command.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

/** A credential as a client logs in with it. */
interface Login {
  readonly label: string;
  readonly username: string;
  secret: string;
  /** The tag its clients push to in `acme/app`. */
  readonly tag: string;
}

const admin: Credentials = ["admin", adminPassword];
const probeAddress = "127.0.1.1";
const repository = "acme/app";

let wharf: WharfProcess;
let box: ClientSandbox;
let api: ReturnType<typeof createManagementClient>;
let source: string;
let image: BuiltImage;
/** The disabled user's API token, which must stop working with its user. */
let opsToken: string;

const apiToken: Login = { label: "an API token", username: "dev", secret: "", tag: "token" };
const robot: Login = { label: "a robot's secret", username: "acme+ci", secret: "", tag: "robot" };
const password: Login = { label: "a password", username: "ops", secret: "ops-password-1", tag: "password" };

const skopeoAuthFile = (login: Login) => join(box.work, `skopeo-${login.tag}.json`);
const podmanAuthFile = (login: Login) => join(box.work, `podman-${login.tag}.json`);
const ref = (tag: string) => `docker://${wharf.host}/${repository}:${tag}`;

/** Skips the test when podman cannot run here (fails it under CI); true when it did. */
const skipUnlessPodman = (t: TestContext): boolean => skipWithoutPodman(t, box);

/** The manifest digest `admin` reads for a tag, or the status when there is none. */
async function servedDigest(tag: string): Promise<string> {
  const res = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { authorization: basicAuth(...admin), accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  return res.status === 200 ? (res.headers.get("docker-content-digest") ?? "no digest") : `status ${res.status}`;
}

/** Reads the tags of the repository from the probe address with `authorization`. */
function probe(authorization: string) {
  return requestFrom(probeAddress, `${wharf.url}/v2/${repository}/tags/list`, { headers: { authorization } });
}

/** skopeo login with `login`, push the image to its tag, copy it back out: same digest. */
async function skopeoRoundTrip(login: Login): Promise<void> {
  const authFile = skopeoAuthFile(login);
  const stdout = await box.skopeoOk(
    ["login", "--tls-verify=false", "--authfile", authFile, "-u", login.username, "--password-stdin", wharf.host],
    `${login.secret}\n`,
  );
  assert.match(stdout, /Login Succeeded/);
  const stored = (await authsIn(authFile))[wharf.host]?.auth;
  assert.equal(stored, Buffer.from(`${login.username}:${login.secret}`).toString("base64"));
  await box.skopeoOk([
    ...["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-authfile", authFile],
    ...[`oci:${source}:app`, ref(login.tag)],
  ]);
  assert.equal(await servedDigest(login.tag), image.manifest.digest);
  const out = join(box.work, `pulled-${login.tag}`);
  await box.skopeoOk(["copy", "--src-tls-verify=false", "--src-authfile", authFile, ref(login.tag), `oci:${out}:x`]);
  assert.equal(taggedDescriptor(await readOciLayout(out), "x")?.digest, image.manifest.digest);
}

/** podman login with `login`, pull what skopeo pushed, push it under another tag. */
async function podmanRoundTrip(t: TestContext, login: Login): Promise<void> {
  if (skipUnlessPodman(t)) return;
  const authFile = podmanAuthFile(login);
  const stdout = await box.podmanOk(
    ["login", "--tls-verify=false", "--authfile", authFile, "-u", login.username, "--password-stdin", wharf.host],
    `${login.secret}\n`,
  );
  assert.match(stdout, /Login Succeeded/);
  const name = `${wharf.host}/${repository}`;
  await box.podmanOk(["pull", "--quiet", "--tls-verify=false", "--authfile", authFile, `${name}:${login.tag}`]);
  const [inspected] = JSON.parse(await box.podmanOk(["image", "inspect", `${name}:${login.tag}`])) as {
    Digest: string;
  }[];
  assert.equal(inspected?.Digest, image.manifest.digest);
  await box.podmanOk(["tag", `${name}:${login.tag}`, `${name}:${login.tag}-podman`]);
  await box.podmanOk(["push", "--quiet", "--tls-verify=false", "--authfile", authFile, `${name}:${login.tag}-podman`]);
  assert.notEqual(await servedDigest(`${login.tag}-podman`), "status 404", "podman's push is not there");
}

/**
 * Cuts `login`'s credential off with `cut` and proves what happens: Basic
 * fails at once, the refresh token is refused, the Bearer token issued before
 * works until it expires and not after, and the clients' next copy fails.
 */
async function provesCutOff(t: TestContext, login: Login, cut: () => Promise<void>): Promise<void> {
  const basic = basicAuth(login.username, login.secret);
  const before = await probe(basic);
  assert.equal(before.status, 200, `Basic before the cut: ${before.text}`);
  const scope = `repository:${repository}:pull`;
  const offline = await tokenBody(
    await postToken(wharf.url, [
      ["grant_type", "password"],
      ["username", login.username],
      ["password", login.secret],
      ["service", "wharf"],
      ["access_type", "offline"],
      ["scope", scope],
    ]),
  );
  assert.equal(typeof offline.refresh_token, "string", "no refresh token for access_type=offline");
  const refresh = () =>
    postToken(wharf.url, [
      ["grant_type", "refresh_token"],
      ["refresh_token", offline.refresh_token!],
      ["service", "wharf"],
      ["scope", scope],
    ]);
  assert.equal((await refresh()).status, 200, "the refresh token did not work before the cut");
  // The access token a client holds when its credential is cut off.
  const held = (await tokenBody(await requestToken(wharf.url, [["scope", scope]], basic))).token;
  const expiresAt = (decodeJwt(held).payload.exp as number) * 1000;

  await cut();

  const atOnce = await probe(basic);
  assert.equal(atOnce.status, 401, `Basic right after the cut: ${atOnce.text}`);
  assert.equal(JSON.parse(atOnce.text).errors[0].code, "UNAUTHORIZED");
  const stillValid = await probe(bearerAuth(held));
  const left = expiresAt - wharf.serverNow();
  assert.equal(stillValid.status, 200, `the Bearer token issued before the cut (${left} ms left): ${stillValid.text}`);
  const refused = await refresh();
  assert.equal(refused.status, 401, `the refresh token after the cut: ${await refused.clone().text()}`);
  assert.equal(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code, "UNAUTHORIZED");

  // Move the server's clock just past the held token's expiry (no sleeping).
  await wharf.advanceClock(expiresAt - wharf.serverNow() + 1);
  const expired = await probe(bearerAuth(held));
  assert.equal(expired.status, 401, `the Bearer token after its expiry: ${expired.text}`);
  assert.equal(parseChallenge(expired.headers.get("www-authenticate")).params.error, "invalid_token");

  const authFile = skopeoAuthFile(login);
  for (const args of [
    ["copy", "--src-tls-verify=false", "--src-authfile", authFile, ref(login.tag), `oci:${join(box.work, "x")}:x`],
    ["copy", "--dest-tls-verify=false", "--dest-authfile", authFile, `oci:${source}:app`, ref(`${login.tag}-again`)],
  ]) {
    const result = await box.skopeo(args);
    assert.notEqual(result.code, 0, describeResult("skopeo", args, result));
    assert.ok(isAuthError(result), `not an auth error:\n${describeResult("skopeo", args, result)}`);
  }
  if (box.podmanUnavailable === undefined) {
    const args = [
      "pull",
      "--tls-verify=false",
      "--authfile",
      podmanAuthFile(login),
      `${wharf.host}/${repository}:${login.tag}`,
    ];
    const result = await box.podman(args);
    assert.notEqual(result.code, 0, describeResult("podman", args, result));
    assert.ok(isAuthError(result), `not an auth error:\n${describeResult("podman", args, result)}`);
  } else {
    t.diagnostic(`podman not checked: ${box.podmanUnavailable}`);
  }
}

before(async () => {
  wharf = await startWharf({ auth: true, clock: true });
  box = await createClientSandbox("wharf-credentials-");
  source = join(box.work, "source");
  image = buildImage({
    architecture: "amd64",
    labels: { "org.example.app": "credentials" },
    layers: [[{ name: "etc/app.conf", content: "credentials = yes\n" }]],
  });
  await writeOciLayout(source, [{ tag: "app", item: image }]);

  api = createManagementClient(wharf.url);
  for (const user of ["dev", "ops"]) {
    await api.expect(201, "POST", "/users", { as: admin, body: { name: user, password: `${user}-password-1` } });
  }
  await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/teams", { as: admin, body: { name: "writers", role: "write" } });
  for (const user of ["dev", "ops"])
    await api.expect(204, "PUT", `/orgs/acme/teams/writers/members/${user}`, { as: admin });
  const made = await api.expect(201, "POST", "/tokens", {
    as: ["dev", "dev-password-1"],
    body: { name: "laptop", scopes: ["acme/*:pull,push"] },
  });
  apiToken.secret = made.body.token;
  const opsMade = await api.expect(201, "POST", "/tokens", {
    as: ["ops", "ops-password-1"],
    body: { name: "ops-ci", scopes: ["acme/*:pull"] },
  });
  opsToken = opsMade.body.token;
  const ci = await api.expect(201, "POST", "/orgs/acme/robots", {
    as: admin,
    body: { name: "ci", scopes: ["acme/*:pull,push"] },
  });
  robot.secret = ci.body.secret;
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
});

describe("logging in, pushing and pulling", () => {
  for (const login of [apiToken, robot, password]) {
    test(`skopeo with ${login.label}: login, push, pull back the same digest`, () => skopeoRoundTrip(login));
    test(`podman with ${login.label}: login, pull, push another tag`, (t) => podmanRoundTrip(t, login));
  }
});

describe("cutting a credential off", () => {
  test("a revoked API token", (t) =>
    provesCutOff(t, apiToken, async () => {
      await api.expect(204, "DELETE", "/tokens/laptop", { as: ["dev", "dev-password-1"] });
    }));

  test("a revoked robot", (t) =>
    provesCutOff(t, robot, async () => {
      await api.expect(204, "DELETE", "/orgs/acme/robots/ci", { as: admin });
    }));

  test("a disabled user, and with them their API tokens", async (t) => {
    const tokenBefore = await probe(basicAuth("ops", opsToken));
    assert.equal(tokenBefore.status, 200, `ops's API token before: ${tokenBefore.text}`);
    await provesCutOff(t, password, async () => {
      const answer = await api.expect(200, "POST", "/users/ops/disable", { as: admin });
      assert.equal(answer.body.disabled, true);
    });
    const tokenAfter = await probe(basicAuth("ops", opsToken));
    assert.equal(tokenAfter.status, 401, `a disabled user's API token: ${tokenAfter.text}`);
  });
});

test("the server's log holds none of the secrets the clients logged in with", async () => {
  const log = wharf.output();
  for (const secret of [apiToken.secret, robot.secret, password.secret, opsToken, adminPassword]) {
    assert.ok(secret.length > 0);
    assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 14)}…`);
  }
});
