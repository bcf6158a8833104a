/**
 * @module
 * A stored secret used against a real registry (Debian's `docker-registry`
 * behind htpasswd): the service's `check` opens the secret and answers, and
 * the `.dockerconfigjson` inside a rendered Kubernetes Secret is accepted by
 * Debian's skopeo as `--authfile`, with which a pull works.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { skipOption } from "../../test/support/skip-missing-tool.ts";
import {
  createLoopbackClient,
  skipReason,
  testUser,
  useRegistryFixture,
} from "../registry-client/testing/registry-fixture.ts";
import { type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

const run = promisify(execFile);
const fixture = useRegistryFixture({ basicAuth: true });
const skopeoMissing = skipOption(existsSync("/usr/bin/skopeo") ? undefined : "skopeo is not installed");
let t: SecretsTestSetup;
let work: string;

before(async () => {
  t = await setUpSecrets({ createRegistryClient: createLoopbackClient });
  work = await mkdtemp(join(tmpdir(), "wharf-authfile-"));
});
after(async () => {
  await t.close();
  await rm(work, { recursive: true, force: true });
});

async function createLabSecret(name: string, password: string): Promise<void> {
  await t.secrets.create(t.as("owner"), "acme", {
    name,
    kind: "private-registry",
    registry: fixture().server.host,
    insecure: true,
    username: testUser.username,
    password,
  });
}

describe("a stored secret against a real registry", { skip: skipReason }, () => {
  it("checks with the stored credentials and audits the answer", async () => {
    const { server, image } = fixture();
    await createLabSecret("lab", testUser.password);
    await createLabSecret("lab-wrong", "not-the-password");
    const ok = await t.secrets.check(t.as("admin"), "acme", "lab", `${server.host}/team/app:multi`, {
      allPlatforms: true,
    });
    assert.deepEqual([ok.code, ok.digest, ok.platformsChecked], ["ok", image.index.digest, 2]);
    const wrong = await t.secrets.check(t.as("owner"), "acme", "lab-wrong", `${server.host}/team/app:amd64`);
    assert.equal(wrong.code, "E_AUTH");
    assert.ok(wrong.message.includes("in secret lab-wrong"));
    const checks = t.audit.filter((event) => event.action === "secret.check").map((event) => event.detail);
    assert.deepEqual(checks, [
      { image: `${server.host}/team/app:multi`, code: "ok" },
      { image: `${server.host}/team/app:amd64`, code: "E_AUTH" },
    ]);
  });

  it("renders a Kubernetes Secret whose .dockerconfigjson skopeo pulls with", { skip: skopeoMissing }, async () => {
    const { server, image } = fixture();
    const { text } = await t.secrets.render(t.as("owner"), "acme", "lab", {
      format: "kubernetes",
      namespaces: ["apps"],
    });
    const secret = parseAllDocuments(text)[0]!.toJS();
    const authfile = join(work, "auth.json");
    await writeFile(authfile, Buffer.from(secret.data[".dockerconfigjson"], "base64"), { mode: 0o600 });
    const source = `docker://${server.host}/team/app:amd64`;
    const skopeo = ["--insecure-policy"];
    const inspect = await run("skopeo", [...skopeo, "inspect", "--tls-verify=false", "--authfile", authfile, source]);
    assert.equal(JSON.parse(inspect.stdout).Digest, image.amd64.digest);
    await run("skopeo", [
      ...skopeo,
      "copy",
      "--src-tls-verify=false",
      "--authfile",
      authfile,
      source,
      `oci:${join(work, "layout")}:app`,
    ]);
    assert.ok(existsSync(join(work, "layout", "index.json")));
    await assert.rejects(
      run("skopeo", [...skopeo, "inspect", "--tls-verify=false", source]),
      /unauthorized|authentication required/i,
    );
  });
});
