/**
 * @module
 * A known user without a permission is told so by name, the way docker,
 * podman and skopeo show Docker Hub's refusals: the clients print "denied:
 * requested access to the resource is denied" and then Wharf's reason, e.g.
 * "user alice may not push to admin/app: ask an owner of admin for write
 * access" — never "authentication required", which would send the user to
 * log in again with the same credentials. `admin/app` is public (alice may
 * pull, not push); `admin/private` is private (alice may do neither).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ClientSandbox, createClientSandbox, skipWithoutPodman } from "./support/container-clients.ts";
import { createManagementClient } from "./support/management-client.ts";
import { buildImage, writeOciLayout } from "./support/oci-layout.ts";
import { describeResult } from "./support/run-command.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

let box: ClientSandbox;
let source: string;
const alice = "alice:alice-password-1";
const deniedWords = /denied: requested access to the resource is denied/;

describe("a known user without the permission", () => {
  const wharf = useWharf({ auth: true });

  before(async () => {
    box = await createClientSandbox("wharf-denials-");
    source = join(box.work, "source");
    const image = buildImage({ architecture: "amd64", layers: [[{ name: "denied.txt", content: "no\n" }]] });
    await writeOciLayout(source, [{ tag: "app", item: image }]);
    const api = createManagementClient(wharf.url);
    const admin = ["admin", adminPassword] as const;
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "alice", password: "alice-password-1" } });
    for (const repository of ["admin/app", "admin/private"]) {
      await box.skopeoOk([
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        `admin:${adminPassword}`,
        `oci:${source}:app`,
        `docker://${wharf.host}/${repository}:1.0`,
      ]);
    }
    await api.expect(200, "PUT", "/repositories/admin/app/visibility", { as: admin, body: { visibility: "public" } });
  });

  after(async () => {
    await box?.remove();
  });

  test("skopeo push: denied, and the reason names the user, the repository and the role to ask for", async () => {
    const args = ["copy", "--dest-tls-verify=false", "--dest-creds", alice, `oci:${source}:app`];
    const result = await box.skopeo([...args, `docker://${wharf.host}/admin/app:2.0`]);
    const shown = describeResult("skopeo", args, result);
    assert.notEqual(result.code, 0, shown);
    assert.match(result.stderr, deniedWords, shown);
    assert.match(result.stderr, /user alice may not push to admin\/app: ask an owner of admin for write access/, shown);
    assert.doesNotMatch(result.stderr, /authentication required/, shown);
  });

  test("skopeo inspect of a private repository: denied, naming the missing read access", async () => {
    const args = ["inspect", "--tls-verify=false", "--creds", alice, `docker://${wharf.host}/admin/private:1.0`];
    const result = await box.skopeo(args);
    const shown = describeResult("skopeo", args, result);
    assert.notEqual(result.code, 0, shown);
    assert.match(result.stderr, deniedWords, shown);
    assert.match(result.stderr, /user alice may not pull from admin\/private: ask an owner of admin for read access/);
  });

  test("podman pull of a private repository and push: denied with the reason", async (t) => {
    if (skipWithoutPodman(t, box)) return;
    const pull = ["pull", "--tls-verify=false", "--creds", alice, `${wharf.host}/admin/private:1.0`];
    const pulled = await box.podman(pull);
    assert.notEqual(pulled.code, 0, describeResult("podman", pull, pulled));
    assert.match(pulled.stderr, deniedWords, describeResult("podman", pull, pulled));
    assert.match(pulled.stderr, /user alice may not pull from admin\/private/, describeResult("podman", pull, pulled));

    await box.podmanOk(["pull", "--quiet", "--tls-verify=false", "--creds", alice, `${wharf.host}/admin/app:1.0`]);
    const push = ["push", "--tls-verify=false", "--creds", alice, `${wharf.host}/admin/app:1.0`];
    const pushed = await box.podman(push);
    assert.notEqual(pushed.code, 0, describeResult("podman", push, pushed));
    assert.match(pushed.stderr, deniedWords, describeResult("podman", push, pushed));
    assert.match(pushed.stderr, /user alice may not push to admin\/app: ask an owner of admin for write access/);
  });
});
