/**
 * @module
 * Proves that real clients log in to Wharf with accounts on and then push
 * and pull through Docker token auth: Debian's skopeo (1.9) and podman (4.3)
 * `login --password-stdin` as `admin` into a temporary auth file (a wrong
 * password is refused and stores nothing), push an image built here as an OCI
 * layout to the private repository `admin/app` (fetching push-scoped tokens
 * from `/auth/token` on the way), inspect it, copy or pull it back with
 * identical digests and blobs, push a new tag, and `logout`, after which the
 * private image can no longer be read: the anonymous client gets an auth
 * error. The server's log is then checked for the password. Every client runs
 * with its own HOME, runtime directory and auth file, so no host credentials
 * interfere. When podman cannot run here at all (`podman info` fails), its
 * test is skipped with podman's own reason.
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
import {
  type BuiltImage,
  blobsOf,
  buildImage,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { loggedRequests, queryOf, waitForRequest } from "./support/request-log.ts";
import { describeResult } from "./support/run-command.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let source: string;
let image: BuiltImage;
let box: ClientSandbox;
let work: string;

const skopeo = (args: readonly string[], input?: string) => box.skopeo(args, input);
const skopeoOk = (args: readonly string[], input?: string) => box.skopeoOk(args, input);
const podman = (args: readonly string[], input?: string) => box.podman(args, input);
const podmanOk = (args: readonly string[], input?: string) => box.podmanOk(args, input);

function ref(repository: string, tag: string): string {
  return `docker://${wharf.host}/${repository}:${tag}`;
}

/** Fetches a manifest as admin (Basic) and returns its digest, or the status when it is not there. */
async function servedDigest(repository: string, tag: string): Promise<string> {
  const res = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      authorization: basicAuth("admin", adminPassword),
      accept: "application/vnd.oci.image.manifest.v1+json",
    },
  });
  return res.status === 200 ? (res.headers.get("docker-content-digest") ?? "no digest") : `status ${res.status}`;
}

/** How every token Wharf signs begins: base64url of `{"alg":"ES256",`. */
const jwtHeaderStart = Buffer.from('{"alg":"ES256",').toString("base64url").slice(0, 16);

/** Skips the test when podman cannot run here (fails it under CI); true when it did. */
const skipUnlessPodman = (t: TestContext): boolean => skipWithoutPodman(t, box);

before(async () => {
  wharf = await startWharf({ auth: true });
  box = await createClientSandbox("wharf-login-");
  work = box.work;
  source = join(work, "source");
  image = buildImage({
    architecture: "amd64",
    labels: { "org.example.app": "login" },
    layers: [
      [{ name: "etc/app.conf", content: "private = yes\n" }],
      [{ name: "usr/bin/app", content: seededBytes("login binary", 300 * 1024), mode: 0o755 }],
    ],
  });
  await writeOciLayout(source, [{ tag: "app", item: image }]);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
});

describe("skopeo login against Wharf", () => {
  let authFile: string;

  before(() => {
    authFile = join(work, "skopeo-auth.json");
  });

  test("skopeo login with a wrong password fails and stores nothing", async () => {
    const wrongFile = join(work, "skopeo-wrong-auth.json");
    const args = [
      "login",
      "--tls-verify=false",
      "--authfile",
      wrongFile,
      "-u",
      "admin",
      "--password-stdin",
      wharf.host,
    ];
    const result = await skopeo(args, "not-the-password\n");
    assert.notEqual(result.code, 0, describeResult("skopeo", args, result));
    assert.ok(isAuthError(result), describeResult("skopeo", args, result));
    assert.deepEqual(await authsIn(wrongFile), {});
  });

  test("skopeo login --password-stdin stores the credentials after a token round trip", async () => {
    const seen = loggedRequests(wharf.output()).length;
    const stdout = await skopeoOk(
      ["login", "--tls-verify=false", "--authfile", authFile, "-u", "admin", "--password-stdin", wharf.host],
      `${adminPassword}\n`,
    );
    assert.match(stdout, /Login Succeeded/);
    const auths = await authsIn(authFile);
    assert.deepEqual(Object.keys(auths), [wharf.host]);
    assert.equal(auths[wharf.host]?.auth, Buffer.from(`admin:${adminPassword}`).toString("base64"));
    const requests = (
      await waitForRequest(wharf.output, (r) => r.method === "GET" && r.path === "/v2/" && r.status === 200)
    ).slice(seen);
    const summary = JSON.stringify(requests);
    assert.ok(
      requests.some((r) => r.method === "GET" && r.path.startsWith("/auth/token") && r.status === 200),
      `skopeo did not fetch a token: ${summary}`,
    );
    assert.ok(
      requests.some((r) => r.method === "GET" && r.path === "/v2/" && r.status === 401),
      `skopeo was not challenged on /v2/: ${summary}`,
    );
  });

  test("skopeo copy pushes to the private admin/app:1.0 with a push-scoped token", async () => {
    await skopeoOk([
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-authfile",
      authFile,
      `oci:${source}:app`,
      ref("admin/app", "1.0"),
    ]);
    assert.equal(await servedDigest("admin/app", "1.0"), image.manifest.digest);
    const requests = await waitForRequest(
      wharf.output,
      (r) => r.method === "PUT" && r.path === "/v2/admin/app/manifests/1.0" && r.status === 201,
    );
    const scopes = requests
      .filter((r) => r.path.startsWith("/auth/token") && r.status === 200)
      .flatMap((r) => queryOf(r).getAll("scope"))
      .flatMap((s) => s.split(" "));
    assert.ok(
      scopes.some((s) => s === "repository:admin/app:pull,push" || s === "repository:admin/app:push,pull"),
      `no push-scoped token was requested: ${JSON.stringify(scopes)}`,
    );
  });

  test("skopeo inspect with the stored credentials reads the private image", async () => {
    const info = JSON.parse(
      await skopeoOk(["inspect", "--tls-verify=false", "--authfile", authFile, ref("admin/app", "1.0")]),
    ) as { Digest: string; RepoTags: string[]; Labels: Record<string, string>; Layers: string[] };
    assert.equal(info.Digest, image.manifest.digest);
    assert.deepEqual(info.RepoTags, ["1.0"]);
    assert.deepEqual(info.Labels, { "org.example.app": "login" });
    assert.deepEqual(
      info.Layers,
      image.layers.map((layer) => layer.digest),
    );
  });

  test("skopeo copy back out gives the same manifest digest and identical blobs", async () => {
    const out = join(work, "skopeo-out");
    await skopeoOk([
      "copy",
      "--preserve-digests",
      "--src-tls-verify=false",
      "--src-authfile",
      authFile,
      ref("admin/app", "1.0"),
      `oci:${out}:copied`,
    ]);
    const contents = await readOciLayout(out);
    const descriptor = taggedDescriptor(contents, "copied");
    assert.ok(descriptor, JSON.stringify(contents.index));
    assert.equal(descriptor.digest, image.manifest.digest);
    const expected = new Map(blobsOf(image).map((blob) => [blob.digest, blob.bytes]));
    assert.deepEqual([...contents.blobs.keys()].sort(), [...expected.keys()].sort());
    for (const [digest, bytes] of contents.blobs) assert.deepEqual(bytes, expected.get(digest), digest);
  });

  test("after skopeo logout the private image cannot be read anonymously", async () => {
    const stdout = await skopeoOk(["logout", "--authfile", authFile, wharf.host]);
    assert.match(stdout, /Removed login credentials/);
    assert.deepEqual(await authsIn(authFile), {});

    for (const extra of [["--authfile", authFile], []]) {
      const args = ["inspect", "--tls-verify=false", ...extra, ref("admin/app", "1.0")];
      const result = await skopeo(args);
      assert.notEqual(result.code, 0, describeResult("skopeo", args, result));
      assert.ok(isAuthError(result), `not an auth error:\n${describeResult("skopeo", args, result)}`);
    }
  });
});

describe("podman login against Wharf", () => {
  test("podman login, pull the private image, push a new tag, logout; then pulling fails", async (t) => {
    if (skipUnlessPodman(t)) return;
    const authFile = join(work, "podman-auth.json");
    const wrong = await podman(
      ["login", "--tls-verify=false", "--authfile", authFile, "-u", "admin", "--password-stdin", wharf.host],
      "not-the-password\n",
    );
    assert.notEqual(wrong.code, 0, "podman login with a wrong password succeeded");
    assert.ok(isAuthError(wrong), `not an auth error:\n${wrong.stderr}`);
    assert.deepEqual(await authsIn(authFile), {});

    const login = await podmanOk(
      ["login", "--tls-verify=false", "--authfile", authFile, "-u", "admin", "--password-stdin", wharf.host],
      `${adminPassword}\n`,
    );
    assert.match(login, /Login Succeeded/);
    assert.equal((await authsIn(authFile))[wharf.host]?.auth, Buffer.from(`admin:${adminPassword}`).toString("base64"));

    // skopeo's test above pushed admin/app:1.0; push it again if podman runs alone.
    if ((await servedDigest("admin/app", "1.0")) !== image.manifest.digest) {
      await skopeoOk([
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "--dest-creds",
        `admin:${adminPassword}`,
        `oci:${source}:app`,
        ref("admin/app", "1.0"),
      ]);
    }

    const name = `${wharf.host}/admin/app`;
    await podmanOk(["pull", "--quiet", "--tls-verify=false", "--authfile", authFile, `${name}:1.0`]);
    const [inspected] = JSON.parse(await podmanOk(["image", "inspect", `${name}:1.0`])) as {
      Id: string;
      Digest: string;
      RootFS: { Layers: string[] };
    }[];
    assert.ok(inspected);
    assert.equal(inspected.Digest, image.manifest.digest);
    assert.equal(`sha256:${inspected.Id}`, image.config.digest);
    assert.deepEqual(inspected.RootFS.Layers, image.diffIds);

    await podmanOk(["tag", `${name}:1.0`, `${name}:podman`]);
    await podmanOk(["push", "--quiet", "--tls-verify=false", "--authfile", authFile, `${name}:podman`]);
    const pushed = JSON.parse(
      await skopeoOk(["inspect", "--tls-verify=false", "--authfile", authFile, ref("admin/app", "podman")]),
    ) as { RepoTags: string[]; Labels: Record<string, string> };
    assert.deepEqual(pushed.RepoTags.sort(), ["1.0", "podman"]);
    assert.deepEqual(pushed.Labels, { "org.example.app": "login" });
    const config = JSON.parse(
      await skopeoOk([
        "inspect",
        "--config",
        "--raw",
        "--tls-verify=false",
        "--authfile",
        authFile,
        ref("admin/app", "podman"),
      ]),
    ) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(config.rootfs.diff_ids, image.diffIds);

    const logout = await podmanOk(["logout", "--authfile", authFile, wharf.host]);
    assert.match(logout, /Removed login credentials/);
    assert.deepEqual(await authsIn(authFile), {});
    const anonymous = await podman(["pull", "--quiet", "--tls-verify=false", "--authfile", authFile, `${name}:1.0`]);
    assert.notEqual(anonymous.code, 0, "podman pulled the private image after logout");
    assert.ok(isAuthError(anonymous), `not an auth error:\n${anonymous.stderr}`);
    const anonymousPush = await podman([
      "push",
      "--quiet",
      "--tls-verify=false",
      "--authfile",
      authFile,
      `${name}:podman`,
    ]);
    assert.notEqual(anonymousPush.code, 0, "podman pushed anonymously");
    assert.ok(isAuthError(anonymousPush), `not an auth error:\n${anonymousPush.stderr}`);
  });
});

describe("what the logins left in the server's log", () => {
  test("the log holds neither the password, nor the Basic credentials sent, nor any token issued", async () => {
    await fetch(`${wharf.url}/healthz`);
    await waitForRequest(wharf.output, (r) => r.path === "/healthz");
    const log = wharf.output();
    for (const secret of [
      adminPassword,
      Buffer.from(`admin:${adminPassword}`).toString("base64"),
      "not-the-password",
      Buffer.from("admin:not-the-password").toString("base64"),
    ]) {
      assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 12)}…`);
    }
    // Every token Wharf issues is a JWT whose header starts like this: none may be logged.
    assert.ok(!log.includes(jwtHeaderStart), "the log contains a token issued to skopeo or podman");
  });
});
