/**
 * @module
 * Pull secrets from the `wharf` command line against a real server with
 * accounts on, as a user walks through them: log in, create an
 * organization, import a real-shaped `~/.docker/config.json` (inline
 * `auth`, `credsStore`, `credHelpers`, `identitytoken` — every entry not
 * imported is explained), create Docker Hub and private-registry secrets
 * (each broken name or URL rule named; `http://` refused without
 * `--insecure`), list, show, update, rename and delete them without a
 * password ever printed, render one as a Kubernetes Secret whose
 * `.dockerconfigjson` skopeo uses as `--authfile` to pull an image from
 * Wharf, and rotate the master key (`wharf secrets rotate-key`) after which
 * the rendered secret still pulls. Last, neither the server's log nor its
 * data directory (database, WAL) holds a password in clear.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { type ClientSandbox, createClientSandbox, isAuthError } from "./support/container-clients.ts";
import { buildImage, writeOciLayout } from "./support/oci-layout.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const alicePassword = "alice-password-1";
const b64 = (text: string) => Buffer.from(text).toString("base64");
/** Every password this file gives the CLI; none may be printed except by `render`. */
const passwords = [alicePassword, adminPassword, "quay-pass:with:colons", "hub-pass-1", "private-pass-1", "rotated-2"];
const identityToken = "eyJhbGciOi.identity-refresh-token";

let wharf: WharfProcess;
let scratch: string;
let box: ClientSandbox;
let admin: WharfCli;
let alice: WharfCli;

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  scratch = await mkdtemp(join(tmpdir(), "wharf-secrets-cli-"));
  box = await createClientSandbox("wharf-secrets-cli-box-");
  admin = createWharfCli(join(scratch, "admin"));
  alice = createWharfCli(join(scratch, "alice"));
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
  await rm(scratch, { recursive: true, force: true });
  await box.remove();
});

/** Asserts `text` holds none of the passwords of this file. */
function assertNoPassword(text: string): void {
  for (const password of [...passwords, identityToken]) assert.ok(!text.includes(password), `${password} in:\n${text}`);
}

describe("pull secrets from the CLI", () => {
  test("login, an organization; --org defaults to the only one, and is required with none", async () => {
    await admin.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
    await admin.ok(["user", "create", "alice", "--password-stdin"], `${alicePassword}\n`);
    await alice.ok(["login", wharf.url, "-u", "alice", "--password-stdin"], `${alicePassword}\n`);
    assert.match(await alice.fails(["secret", "list"]), /not a member of any organization: pass --org/);
    await alice.ok(["org", "create", "acme"]);
    assert.equal((await alice.ok(["secret", "list"])).trim(), "(none)");
    assert.match(await alice.fails(["secret", "list", "--org", "nope"]), /organization "nope" does not exist/);
  });

  test("secret import: auths, credsStore, credHelpers and identitytoken; every entry not imported is a note", async () => {
    const config = {
      auths: {
        "quay.io": { auth: b64("acme+ci:quay-pass:with:colons"), email: "ci@acme.example" },
        "https://index.docker.io/v1/": { auth: b64("janedoe:hub-pass-1") },
        "myregistry.azurecr.io": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: identityToken },
        "ghcr.io": {},
      },
      credsStore: "desktop",
      credHelpers: { "gcr.io": "gcloud", "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
      HttpHeaders: { "User-Agent": "Docker-Client/24.0.7 (linux)" },
    };
    const file = join(scratch, "config.json");
    await writeFile(file, JSON.stringify(config, null, "\t"));
    const out = await alice.ok(["secret", "import", file]);
    assert.match(out, /^Imported 3 pull secrets into acme$/m);
    assert.match(out, /^quay-io\s+quay\.io\s+acme\+ci\s+password$/m);
    assert.match(out, /^docker-hub\s+Docker Hub\s+janedoe\s+password$/m);
    assert.match(out, /^myregistry-azurecr-io\s+myregistry\.azurecr\.io\s+0{8}-.*\s+identity-token$/m);
    assert.match(out, /^note: .*ghcr\.io.*docker-credential-desktop get/m);
    assert.match(out, /^note: .*gcr\.io.*docker-credential-gcloud get/m);
    assert.match(out, /^note: .*123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com.*docker-credential-ecr-login/m);
    assertNoPassword(out);
    const again = await alice.ok(["secret", "import", file, "--output", "json"]);
    const answer = JSON.parse(again);
    assert.deepEqual(
      answer.created.map((s: { name: string }) => s.name),
      ["quay-io-2", "docker-hub-2", "myregistry-azurecr-io-2"],
      "an import never overwrites: the next free names are taken",
    );
    assert.ok(answer.notes.some((n: string) => /already exists: imported .* as quay-io-2/.test(n)));
    assertNoPassword(again);
    const broken = join(scratch, "broken.json");
    await writeFile(broken, '{"auths": {"quay.io": {"auth": "not base64!"}}}');
    assert.match(await alice.fails(["secret", "import", broken]), /quay\.io/);
    assert.match(await alice.fails(["secret", "import", join(scratch, "missing.json")]), /cannot read .*ENOENT/);
  });

  test("secret create: Docker Hub and private kinds; the password comes from stdin and is never printed", async () => {
    const hub = await alice.ok(
      ["secret", "create", "hub", "--docker-hub", "--username", "jane", "--password-stdin", "--email", "j@acme.io"],
      "hub-pass-1\n",
    );
    assert.match(hub, /^Created pull secret hub in acme for Docker Hub$/m);
    const json = await alice.ok(
      [
        "secret",
        "create",
        "private",
        "--registry",
        "Registry.Acme.io:5000/team/",
        "--username",
        "ci",
        "--password-stdin",
      ],
      "private-pass-1\n",
    );
    assert.match(json, /for registry\.acme\.io:5000\/team$/m);
    const shown = JSON.parse(await alice.ok(["secret", "show", "private", "--output", "json"]));
    assert.equal(shown.registry, "https://registry.acme.io:5000/team");
    assert.equal(shown.kind, "private-registry");
    assertNoPassword(hub + json + JSON.stringify(shown));
    const insecure = await alice.ok(
      [
        "secret",
        "create",
        "wharf",
        "--registry",
        `http://${wharf.host}`,
        "--insecure",
        "--username",
        "alice",
        "--password-stdin",
      ],
      `${alicePassword}\n`,
    );
    assert.match(insecure, new RegExp(`for ${wharf.host.replaceAll(".", "\\.")} \\(plain http\\)`));
  });

  test("secret create refuses broken rules, naming each", async () => {
    const create = (name: string, where: string[], password = "pw-123456") =>
      alice.fails(["secret", "create", name, ...where, "--username", "u", "--password-stdin"], `${password}\n`);
    const hub = ["--docker-hub"];
    assert.match(await create("Quay_IO", hub), /secret name "Quay_IO" is invalid: contains 'Q', '_'/);
    assert.match(await create(".quay", hub), /must begin with a lower-case letter or digit/);
    assert.match(await create("quay-", hub), /end with a lower-case letter or digit/);
    assert.match(await create("a".repeat(254), hub), /at most 253 characters \(got 254\)/);
    assert.match(await create("plain", ["--registry", "http://registry.acme.io"]), /uses http:\/\/.*insecure/);
    assert.match(
      await create("plain", ["--registry", "ftp://registry.acme.io"]),
      /registry URL "ftp:\/\/registry\.acme\.io"/,
    );
    assert.match(await create("plain", ["--registry", "user:pw@registry.acme.io"]), /holds credentials before "@"/);
    assert.match(await create("plain", ["--registry", "registry.acme.io:99999"]), /port/);
    assert.match(await create("plain", []), /--docker-hub, or --registry <url>/);
    assert.match(await create("plain", ["--docker-hub", "--registry", "quay.io"]), /either --docker-hub or --registry/);
    assert.match(await create("hub", hub), /already/);
    assert.match(await create("plain", hub, ""), /the password is empty/);
    const both = await create("Bad_Name", ["--registry", "http://x.acme.io"]);
    assert.match(both, /secret name "Bad_Name" is invalid.*; registry URL "http:\/\/x\.acme\.io" uses http:\/\//);
    assert.match(
      await alice.fails(
        ["secret", "create", "mail", "--docker-hub", "--username", "u", "--password-stdin", "--email", "no"],
        "p\n",
      ),
      /e-mail "no" is not a valid address/,
    );
  });

  test("secret list never shows a password, in text or JSON", async () => {
    const text = await alice.ok(["secret", "list"]);
    assert.match(text, /^NAME\s+REGISTRY\s+USERNAME\s+EMAIL\s+CREDENTIAL\s+UPDATED$/m);
    assert.match(text, /^hub\s+Docker Hub\s+jane\s+j@acme\.io\s+password\s/m);
    assert.match(text, /^private\s+registry\.acme\.io:5000\/team\s+ci\s+-\s+password\s/m);
    const json = await alice.ok(["secret", "list", "--output", "json"]);
    const names = JSON.parse(json).secrets.map((s: { name: string }) => s.name);
    assert.deepEqual(names, [
      "docker-hub",
      "docker-hub-2",
      "hub",
      "myregistry-azurecr-io",
      "myregistry-azurecr-io-2",
      "private",
      "quay-io",
      "quay-io-2",
      "wharf",
    ]);
    assertNoPassword(text + json);
    assert.ok(!/"password"\s*:/.test(json), "no password field at all");
  });

  test("secret update, rename and delete", async () => {
    const updated = await alice.ok(
      ["secret", "update", "private", "--username", "ci2", "--password-stdin"],
      "rotated-2\n",
    );
    assert.match(updated, /Updated pull secret private in acme \(username, password\)/);
    assert.match(await alice.fails(["secret", "update", "private"]), /nothing to change/);
    assert.match(await alice.fails(["secret", "update", "private", "--registry", "http://x.io"]), /insecure/);
    await alice.ok([
      "secret",
      "update",
      "private",
      "--registry",
      "http://x.io:8080",
      "--insecure",
      "--email",
      "a@b.io",
    ]);
    const shown = JSON.parse(await alice.ok(["secret", "show", "private", "--output", "json"]));
    assert.deepEqual(
      [shown.registry, shown.insecure, shown.username, shown.email],
      ["http://x.io:8080", true, "ci2", "a@b.io"],
    );
    await alice.ok(["secret", "rename", "private", "private-x"]);
    assert.match(await alice.fails(["secret", "rename", "private-x", "hub"]), /already/);
    assert.match(
      await alice.fails(["secret", "rename", "private-x", "Not.Valid"]),
      /secret name "Not\.Valid" is invalid/,
    );
    await alice.ok(["secret", "delete", "private-x"]);
    assert.match(await alice.fails(["secret", "show", "private-x"]), /no pull secret "private-x"|not/);
    assert.match(await alice.fails(["secret", "delete", "private-x"]), /private-x/);
  });

  test("secret render --format k8s: its .dockerconfigjson is skopeo's --authfile for a pull from Wharf", async () => {
    await pushImageAsAlice();
    const yaml = await alice.ok(["secret", "render", "wharf", "--format", "k8s", "--namespace", "prod"]);
    await assertPullsWith(yaml, "prod", "wharf");
    const empty = join(box.work, "empty-auth.json");
    const denied = await box.skopeo(["inspect", "--tls-verify=false", "--authfile", empty, wharfRef()]);
    assert.ok(isAuthError(denied), `without the secret the pull is refused:\n${denied.stderr}`);
    const raw = await alice.ok(["secret", "render", "wharf", "hub"]);
    const auths = JSON.parse(raw).auths;
    assert.deepEqual(Object.keys(auths), [wharf.host, "https://index.docker.io/v1/"]);
    assert.equal(auths[wharf.host].auth, b64(`alice:${alicePassword}`));
    assert.equal(auths["https://index.docker.io/v1/"].password, "hub-pass-1");
    const merged = await alice.ok([
      "secret",
      "render",
      "wharf",
      "hub",
      "--format",
      "k8s",
      "--name",
      "pull",
      "--namespace",
      "a",
      "--namespace",
      "b",
    ]);
    const docs = parseAllDocuments(merged).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
      ["a/pull", "b/pull"],
    );
    assert.match(
      await alice.fails(["secret", "render", "wharf", "hub", "--format", "k8s"]),
      /give the name of the Kubernetes Secret/,
    );
    assert.match(await alice.fails(["secret", "render", "wharf", "--namespace", "x"]), /apply to --format k8s/);
    assert.match(
      await alice.fails(["secret", "render", "wharf", "--format", "k8s", "--namespace", "Prod"]),
      /namespace "Prod"/,
    );
    assert.notEqual((await alice.run(["secret", "render", "wharf", "--format", "yaml"])).code, 0);
  });

  test("wharf secrets rotate-key (server admin): every secret is re-encrypted, and renders still pull", async () => {
    assert.match(await alice.fails(["secrets", "rotate-key"]), /only a server administrator may rotate the master key/);
    const before = JSON.parse(await alice.ok(["secret", "list", "--output", "json"])).secrets;
    assert.ok(before.every((s: { keyVersion: number }) => s.keyVersion === 1));
    const out = await admin.ok(["secrets", "rotate-key"]);
    assert.match(out, new RegExp(`^Added master key version 2; re-encrypted ${before.length} pull secrets$`, "m"));
    const keyFile = JSON.parse(await readFile(join(wharf.dataDir, "master-key.json"), "utf8"));
    assert.equal(keyFile.current, 2);
    const after = JSON.parse(await alice.ok(["secret", "list", "--output", "json"])).secrets;
    assert.ok(
      after.every((s: { keyVersion: number }) => s.keyVersion === 2),
      JSON.stringify(after),
    );
    const yaml = await alice.ok(["secret", "render", "wharf", "--format", "k8s"]);
    await assertPullsWith(yaml, "default", "wharf");
    const report = JSON.parse(await admin.ok(["secrets", "rotate-key", "--output", "json"]));
    assert.deepEqual([report.source, report.addedVersion, report.keyVersion], ["file", 3, 3]);
    assert.equal(report.reencrypted, before.length);
    assert.deepEqual(report.failed, []);
  });

  test("neither the server's log nor any file of its data directory holds a password", async () => {
    assertNoPassword(wharf.output());
    for (const entry of await readdir(wharf.dataDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = await readFile(join(entry.parentPath, entry.name));
      // Every password but the administrator's own (./data/admin-password holds it by design).
      for (const password of [...passwords.filter((p) => p !== adminPassword), identityToken]) {
        assert.ok(!bytes.includes(password), `${entry.name} holds ${password}`);
      }
    }
  });
});

const wharfRef = () => `docker://${wharf.host}/acme/app:1.0`;

/** Pushes a small image to acme/app:1.0 as alice with skopeo. */
async function pushImageAsAlice(): Promise<void> {
  const layout = join(box.work, "source");
  const image = buildImage({ architecture: "amd64", layers: [[{ name: "app.txt", content: "hello\n" }]] });
  await writeOciLayout(layout, [{ tag: "app", item: image }]);
  const creds = `alice:${alicePassword}`;
  await box.skopeoOk(["copy", "--dest-tls-verify=false", "--dest-creds", creds, `oci:${layout}:app`, wharfRef()]);
}

/** Asserts `yaml` is one Secret `name` in `namespace` whose .dockerconfigjson lets skopeo pull the image. */
async function assertPullsWith(yaml: string, namespace: string, name: string): Promise<void> {
  const docs = parseAllDocuments(yaml).map((d) => d.toJS());
  assert.equal(docs.length, 1);
  const secret = docs[0];
  assert.deepEqual(
    [secret.kind, secret.type, secret.metadata.name, secret.metadata.namespace],
    ["Secret", "kubernetes.io/dockerconfigjson", name, namespace],
  );
  const authFile = join(box.work, `auth-${namespace}.json`);
  await writeFile(authFile, Buffer.from(secret.data[".dockerconfigjson"], "base64"));
  const target = join(box.work, `pulled-${namespace}-${Date.now()}`);
  await box.skopeoOk(["copy", "--src-tls-verify=false", "--authfile", authFile, wharfRef(), `oci:${target}:app`]);
  const index = JSON.parse(await readFile(join(target, "index.json"), "utf8"));
  assert.equal(index.manifests.length, 1);
}
