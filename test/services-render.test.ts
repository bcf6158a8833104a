/**
 * @module
 * Services from the `wharf` command line against a real server with
 * accounts on: `service create` stores a service (name, image, pull
 * secret, replicas, ports, env, command), checks its pull secret against
 * the image (a failing check is a warning, the service is stored either
 * way), refuses each broken rule by name; `service render` prints YAML that
 * Debian's `kubectl kustomize` accepts, with the pull Secret, a Deployment
 * naming it in `imagePullSecrets`, and a Service. Also update, list, show,
 * rename of the secret (the service follows), refusal to delete a secret in
 * use, delete, and a render after `wharf secrets rotate-key`. The pull
 * secret is for this Wharf on loopback, so loopback is in `outbound.allow`.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import { pushTestImage } from "../src/registry-client/testing/test-image.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, describeRun, type WharfCli } from "./support/wharf-cli.ts";

const alicePassword = "alice-password-1";

let wharf: WharfProcess;
let scratch: string;
let admin: WharfCli;
let alice: WharfCli;
let image: string;

before(async () => {
  wharf = await startWharf({
    auth: true,
    outboundAllow: loopbackCidrs,
    env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" },
  });
  scratch = await mkdtemp(join(tmpdir(), "wharf-services-"));
  admin = createWharfCli(join(scratch, "admin"));
  alice = createWharfCli(join(scratch, "alice"));
  await admin.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
  await admin.ok(["user", "create", "alice", "--password-stdin"], `${alicePassword}\n`);
  await alice.ok(["login", wharf.url, "-u", "alice", "--password-stdin"], `${alicePassword}\n`);
  await alice.ok(["org", "create", "acme"]);
  await pushTestImage({ host: wharf.host, authorization: basicAuth("alice", alicePassword) }, "acme/app", ["1.0"]);
  image = `${wharf.host}/acme/app:1.0`;
  const secret = ["secret", "create", "wharf-pull", "--registry", `http://${wharf.host}`, "--insecure"];
  await alice.ok([...secret, "--username", "alice", "--password-stdin"], `${alicePassword}\n`);
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
  await rm(scratch, { recursive: true, force: true });
});

/** `kubectl kustomize` over a directory holding `yaml` as its only resource; the documents it prints. */
async function kustomize(name: string, yaml: string) {
  const dir = join(scratch, `kustomize-${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "service.yaml"), yaml);
  await writeFile(
    join(dir, "kustomization.yaml"),
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - service.yaml\n",
  );
  const out = await runOk("/usr/bin/kubectl", ["kustomize", dir]);
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Kubernetes objects
  const docs: any[] = parseAllDocuments(out).map((d) => d.toJS());
  return { kinds: docs.map((d) => d.kind).sort(), byKind: (kind: string) => docs.find((d) => d.kind === kind) };
}

describe("services from the CLI", () => {
  test("service create stores the service and checks its pull secret against the image", async () => {
    const args = ["service", "create", "web", "--image", image, "--secret", "wharf-pull", "--replicas", "2"];
    const more = ["--port", "8080", "--port", "metrics:9090", "--env", "MODE=production", "--env", "EMPTY="];
    const run = await alice.run([...args, ...more, "--", "/bin/app", "--serve", "-v"]);
    assert.equal(run.code, 0, describeRun(args, run));
    assert.match(
      run.stdout,
      /^Created service web in acme: .*acme\/app:1\.0, 2 replica\(s\), pull secret wharf-pull$/m,
    );
    assert.match(run.stdout, /^check: ok: .* can be pulled with secret wharf-pull/m);
    assert.equal(run.stderr, "");
    const shown = JSON.parse(await alice.ok(["service", "show", "web", "--output", "json"]));
    assert.deepEqual(shown.command, ["/bin/app", "--serve", "-v"]);
    assert.deepEqual(shown.env, { MODE: "production", EMPTY: "" });
    assert.deepEqual(shown.ports, [
      { port: 8080, name: null, protocol: "TCP" },
      { port: 9090, name: "metrics", protocol: "TCP" },
    ]);
  });

  test("a failing check is a warning with its code; the service is stored; --no-check skips it", async () => {
    const missing = `${wharf.host}/acme/app:2.0`;
    const run = await alice.run(["service", "create", "next", "--image", missing, "--secret", "wharf-pull"]);
    assert.equal(run.code, 0, describeRun([], run));
    assert.match(run.stderr, /^warning: E_NOT_FOUND could not pull .*acme\/app:2\.0/m);
    const quiet = await alice.run(["service", "update", "next", "--replicas", "0", "--no-check"]);
    assert.equal(quiet.stderr, "");
    const json = JSON.parse(await alice.ok(["service", "update", "next", "--image", image, "--output", "json"]));
    assert.equal(json.check.code, "ok");
    assert.equal(json.replicas, 0);
  });

  test("service create refuses broken rules, naming each", async () => {
    const create = (...args: string[]) => alice.fails(["service", "create", ...args]);
    assert.match(await create("Web_1", "--image", "nginx"), /service name "Web_1"|contains .*'W'/);
    assert.match(await create("api", "--image", "Nginx:Latest"), /repository name must be lowercase|invalid/i);
    assert.match(await create("api", "--image", "nginx", "--secret", "nope"), /has no pull secret "nope"/);
    assert.match(
      await create("api", "--image", "nginx", "--port", "70000"),
      /port 70000 must be a whole number from 1 to 65535/,
    );
    assert.match(await create("api", "--image", "nginx", "--port", "http"), /is not \[name:\]port/);
    assert.match(await create("api", "--image", "nginx", "--env", "NOVALUE"), /--env "NOVALUE" is not NAME=VALUE/);
    assert.match(await create("api", "--image", "nginx", "--env", "1BAD=x"), /environment variable name "1BAD"/);
    assert.match(
      await create("api", "--image", "nginx", "--replicas", "two"),
      /--replicas "two" is not a whole number/,
    );
    assert.match(
      await create("api", "--image", "nginx", "--replicas", "5000"),
      /replicas must be a whole number from 0 to 1000/,
    );
    assert.match(await create("web", "--image", "nginx"), /already has a service "web"/);
  });

  test("service list shows the services", async () => {
    const text = await alice.ok(["service", "list"]);
    assert.match(text, /^NAME\s+IMAGE\s+SECRET\s+REPLICAS\s+PORTS$/m);
    assert.match(text, /^web\s+\S+acme\/app:1\.0\s+wharf-pull\s+2\s+8080\/tcp,9090\/tcp$/m);
    const json = JSON.parse(await alice.ok(["service", "list", "--output", "json"]));
    assert.deepEqual(
      json.services.map((s: { name: string }) => s.name),
      ["next", "web"],
    );
  });

  test("service render: kubectl kustomize accepts it; the Deployment names the pull Secret it includes", async () => {
    const yaml = await alice.ok(["service", "render", "web", "--namespace", "prod"]);
    const { kinds, byKind } = await kustomize("web", yaml);
    assert.deepEqual(kinds, ["Deployment", "Secret", "Service"]);
    const deployment = byKind("Deployment");
    assert.equal(deployment.apiVersion, "apps/v1");
    assert.equal(deployment.metadata.namespace, "prod");
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.deepEqual(pod.imagePullSecrets, [{ name: "wharf-pull" }]);
    assert.equal(pod.containers[0].image, image);
    assert.deepEqual(pod.containers[0].command, ["/bin/app", "--serve", "-v"]);
    assert.deepEqual(pod.containers[0].env, [
      { name: "MODE", value: "production" },
      { name: "EMPTY", value: "" },
    ]);
    const secret = byKind("Secret");
    assert.deepEqual(
      [secret.metadata.name, secret.metadata.namespace, secret.type],
      ["wharf-pull", "prod", "kubernetes.io/dockerconfigjson"],
    );
    const config = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString("utf8"));
    assert.equal(config.auths[wharf.host].username, "alice");
    const service = byKind("Service");
    assert.deepEqual(
      service.spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`),
      ["tcp-8080:8080", "metrics:9090"],
    );
  });

  test("service render --no-secret leaves the Secret out; --namespace is validated; JSON gives {yaml}", async () => {
    const yaml = await alice.ok(["service", "render", "web", "--no-secret"]);
    const { kinds, byKind } = await kustomize("no-secret", yaml);
    assert.deepEqual(kinds, ["Deployment", "Service"]);
    assert.deepEqual(byKind("Deployment").spec.template.spec.imagePullSecrets, [{ name: "wharf-pull" }]);
    assert.match(await alice.fails(["service", "render", "web", "--namespace", "Prod"]), /namespace "Prod" is invalid/);
    const json = JSON.parse(await alice.ok(["service", "render", "web", "--output", "json"]));
    assert.match(json.yaml, /^kind: Deployment$/m);
  });

  test("a secret in use cannot be deleted; renaming it carries the service along", async () => {
    assert.match(await alice.fails(["secret", "delete", "wharf-pull"]), /used by service next, web/);
    await alice.ok(["secret", "rename", "wharf-pull", "acme-pull"]);
    const shown = JSON.parse(await alice.ok(["service", "show", "web", "--output", "json"]));
    assert.equal(shown.secretName, "acme-pull");
    const { byKind } = await kustomize("renamed", await alice.ok(["service", "render", "web"]));
    assert.deepEqual(byKind("Deployment").spec.template.spec.imagePullSecrets, [{ name: "acme-pull" }]);
    assert.equal(byKind("Secret").metadata.name, "acme-pull");
  });

  test("after wharf secrets rotate-key the service still renders its Secret", async () => {
    await admin.ok(["secrets", "rotate-key"]);
    const { byKind } = await kustomize("rotated", await alice.ok(["service", "render", "web"]));
    const config = JSON.parse(Buffer.from(byKind("Secret").data[".dockerconfigjson"], "base64").toString("utf8"));
    assert.equal(config.auths[wharf.host].password, alicePassword);
  });

  test("service update --no-secret, and delete", async () => {
    await alice.ok(["service", "update", "web", "--no-secret", "--replicas", "3", "--port", "80"]);
    const { kinds, byKind } = await kustomize("updated", await alice.ok(["service", "render", "web"]));
    assert.deepEqual(kinds, ["Deployment", "Service"]);
    assert.equal(byKind("Deployment").spec.template.spec.imagePullSecrets, undefined);
    assert.equal(byKind("Deployment").spec.replicas, 3);
    await alice.ok(["service", "delete", "web"]);
    await alice.ok(["service", "delete", "next"]);
    assert.equal((await alice.ok(["service", "list"])).trim(), "(none)");
    assert.match(await alice.fails(["service", "render", "web"]), /has no service "web"/);
    await alice.ok(["secret", "delete", "acme-pull"]);
  });

  test("the server's log holds no password", () => {
    assert.ok(!wharf.output().includes(alicePassword));
    assert.ok(!wharf.output().includes(adminPassword));
  });
});
