/**
 * @module
 * `wharf secret check <secret> <image>` against real registries on loopback,
 * the answer a user gets before a deployment would fail: Wharf itself (the
 * secret holds a Wharf user's password, or an API token with pull scope),
 * Debian's `docker-registry` behind htpasswd Basic auth, and a closed port.
 * The right credential → `ok` (exit 0); a wrong password → `E_AUTH`; a
 * robot whose scopes do not reach the image → `E_FORBIDDEN`; a missing tag → `E_NOT_FOUND`; nothing listening → `E_UNREACHABLE`; an
 * image on another registry → `E_REGISTRY_MISMATCH` (exit 1 for all of
 * those). The code is the first word of the one line printed, `--output
 * json` gives the whole result, and no password is ever printed or logged.
 * Loopback is in the server's `outbound.allow` here, since every registry
 * of this file listens on 127.0.0.1 (refusals are in outbound-guard.test.ts).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushTestImage, type TestImage } from "../src/registry-client/testing/test-image.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { skipOption } from "./support/skip-missing-tool.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, describeRun, type WharfCli } from "./support/wharf-cli.ts";

const alicePassword = "alice-password-1";
const wrongPassword = "not-alices-password";

let wharf: WharfProcess;
let scratch: string;
let alice: WharfCli;
let image: TestImage;
let apiToken: string;

before(async () => {
  wharf = await startWharf({
    auth: true,
    outboundAllow: loopbackCidrs,
    env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" },
  });
  scratch = await mkdtemp(join(tmpdir(), "wharf-secret-check-"));
  const admin = createWharfCli(join(scratch, "admin"));
  alice = createWharfCli(join(scratch, "alice"));
  await admin.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
  await admin.ok(["user", "create", "alice", "--password-stdin"], `${alicePassword}\n`);
  await alice.ok(["login", wharf.url, "-u", "alice", "--password-stdin"], `${alicePassword}\n`);
  await alice.ok(["org", "create", "acme"]);
  image = await pushTestImage({ host: wharf.host, authorization: basicAuth("alice", alicePassword) }, "acme/app", [
    "1.0",
  ]);
  const created = await alice.ok(["token", "create", "--name", "puller", "--scope", "acme/*:pull"]);
  apiToken = created.trimEnd().split("\n").at(-1)!;
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
  await rm(scratch, { recursive: true, force: true });
});

/** Creates secret `name` for the registry at `url` (plain http) with `username` and `password`. */
async function createSecret(name: string, url: string, username: string, password: string): Promise<void> {
  const args = ["secret", "create", name, "--registry", url, "--insecure", "--username", username, "--password-stdin"];
  await alice.ok(args, `${password}\n`);
}

/** Runs `wharf secret check`; asserts the exit status (0 only for ok) and returns the one line printed. */
async function check(secret: string, ref: string, code: string, ...more: string[]): Promise<string> {
  const args = ["secret", "check", secret, ref, ...more];
  const run = await alice.run(args);
  assert.equal(run.code, code === "ok" ? 0 : 1, describeRun(args, run));
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 1, describeRun(args, run));
  assert.equal(lines[0]!.split(" ")[0], code, describeRun(args, run));
  return lines[0]!;
}

describe("wharf secret check against Wharf", () => {
  test("the user's password: ok, with the manifest digest", async () => {
    await createSecret("wharf-pass", `http://${wharf.host}`, "alice", alicePassword);
    const line = await check("wharf-pass", `${wharf.host}/acme/app:1.0`, "ok");
    assert.match(line, new RegExp(`^ok ${wharf.host}/acme/app:1\\.0 can be pulled with secret wharf-pass`));
    assert.ok(line.includes(image.amd64.digest), line);
  });

  test("an API token with pull scope: ok, for every platform of an index too", async () => {
    await createSecret("wharf-token", wharf.host, "alice", apiToken);
    await check("wharf-token", `${wharf.host}/acme/app:1.0`, "ok");
    const line = await check("wharf-token", `${wharf.host}/acme/app:multi`, "ok", "--all-platforms");
    assert.match(line, /2 platform manifests/);
    assert.ok(!line.includes(apiToken));
  });

  test("a wrong password: E_AUTH, naming the secret, never the password", async () => {
    await createSecret("wharf-wrong", `http://${wharf.host}`, "alice", wrongPassword);
    const line = await check("wharf-wrong", `${wharf.host}/acme/app:1.0`, "E_AUTH");
    assert.match(
      line,
      /^E_AUTH could not pull .*acme\/app:1\.0: the registry refused the username or password in secret wharf-wrong/,
    );
    assert.ok(!line.includes(wrongPassword));
  });

  test("a robot whose scopes do not reach the repository: E_FORBIDDEN, not E_AUTH", async () => {
    const admin = createWharfCli(join(scratch, "admin"));
    await admin.ok(["org", "create", "beta"]);
    const created = await admin.ok(["robot", "create", "beta", "puller", "--scope", "beta/*:pull"]);
    const robotSecret = created.trimEnd().split("\n").at(-1)!;
    await createSecret("beta-robot", `http://${wharf.host}`, "beta+puller", robotSecret);
    const line = await check("beta-robot", `${wharf.host}/acme/app:1.0`, "E_FORBIDDEN");
    assert.match(line, /the registry accepted secret beta-robot but denies it access to this repository/);
    assert.ok(!line.includes(robotSecret));
  });

  test("a missing tag or repository: E_NOT_FOUND", async () => {
    assert.match(await check("wharf-pass", `${wharf.host}/acme/app:9.9`, "E_NOT_FOUND"), /no such repository or tag/);
    await check("wharf-pass", `${wharf.host}/acme/nothing-here:1.0`, "E_NOT_FOUND");
  });

  test("an image on another registry: E_REGISTRY_MISMATCH, nothing sent; a bad reference: E_INVALID_REFERENCE", async () => {
    assert.match(await check("wharf-pass", "quay.io/acme/app:1.0", "E_REGISTRY_MISMATCH"), /wharf-pass/);
    await check("wharf-pass", `${wharf.host}/Acme/App`, "E_INVALID_REFERENCE");
  });

  test("--output json: the whole result, HTTP 200 whatever the code; an unknown secret is an error", async () => {
    const run = await alice.run(["secret", "check", "wharf-wrong", `${wharf.host}/acme/app:1.0`, "--output", "json"]);
    assert.equal(run.code, 1);
    const result = JSON.parse(run.stdout);
    assert.equal(result.code, "E_AUTH");
    assert.equal(result.image, `${wharf.host}/acme/app:1.0`);
    const ok = JSON.parse(
      await alice.ok(["secret", "check", "wharf-pass", `${wharf.host}/acme/app:1.0`, "--output", "json"]),
    );
    assert.deepEqual([ok.code, ok.digest], ["ok", image.amd64.digest]);
    assert.match(await alice.fails(["secret", "check", "nope", `${wharf.host}/acme/app:1.0`]), /no pull secret "nope"/);
  });
});

describe("wharf secret check against docker-registry with htpasswd", {
  skip: skipOption(distributionUnavailable()),
}, () => {
  let registry: DistributionServer;
  before(async () => {
    registry = await startDistribution(testUser);
    const authorization = basicAuth(testUser.username, testUser.password);
    await pushTestImage({ host: registry.host, authorization }, "team/app", ["1.0"]);
    await createSecret("dist", registry.host, testUser.username, testUser.password);
    await createSecret("dist-wrong", registry.host, testUser.username, "wrong-password");
  });
  after(async () => {
    await registry?.stop();
  });

  test("the right password: ok", async () => {
    await check("dist", `${registry.host}/team/app:1.0`, "ok");
    await check("dist", `${registry.host}/team/app:multi`, "ok", "--all-platforms");
  });

  test("a wrong password: E_AUTH", async () => {
    await check("dist-wrong", `${registry.host}/team/app:1.0`, "E_AUTH");
  });

  test("a missing image: E_NOT_FOUND", async () => {
    await check("dist", `${registry.host}/team/app:missing`, "E_NOT_FOUND");
    await check("dist", `${registry.host}/team/other:1.0`, "E_NOT_FOUND");
  });
});

describe("wharf secret check against a closed port", () => {
  test("nothing listening: E_UNREACHABLE", async () => {
    const port = await closedPort();
    await createSecret("closed", `http://127.0.0.1:${port}`, "alice", alicePassword);
    const line = await check("closed", `127.0.0.1:${port}/acme/app:1.0`, "E_UNREACHABLE");
    assert.match(line, /could not reach the registry/);
  });
});

describe("afterwards", () => {
  test("the server's log holds none of the passwords or tokens", () => {
    for (const secret of [alicePassword, wrongPassword, apiToken, testUser.password]) {
      assert.ok(!wharf.output().includes(secret), `the log contains ${secret.slice(0, 12)}…`);
    }
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
