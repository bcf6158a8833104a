/**
 * The rewriter's output rendered by Debian's real `kubectl kustomize`: a
 * committed fixture set (every workload kind, old apiVersions, a custom
 * resource with a pod template, multi-document, List, JSON and CRLF files,
 * digests, tag+digest, Docker Hub short names, init and ephemeral
 * containers, several namespaces) must come out with exactly the expected
 * images and pull secrets. The registries the fixture names (quay.io,
 * Docker Hub) are not reachable here, so these tests classify with a fixed
 * table; test/rewrite-cli.test.ts probes real registries on loopback.
 */
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import type { ImageReference } from "../src/reference/image-reference.ts";
import { applyInPlace } from "../src/rewrite/apply-in-place.ts";
import type { Classifier } from "../src/rewrite/classify-image.ts";
import { renderOverlay } from "../src/rewrite/kustomize-overlay.ts";
import { renderLicensePullSecret } from "../src/rewrite/license-pull-secret.ts";
import { parseManifestText, readManifestDir } from "../src/rewrite/manifest-input.ts";
import { parseObjectPath } from "../src/rewrite/pod-specs.ts";
import { rewriteManifests } from "../src/rewrite/rewrite-manifests.ts";
import { runOk } from "./support/run-command.ts";

const fixtures = join(import.meta.dirname, "fixtures", "rewrite");
const host = "registry.example.com";
const proxy = `${host}/proxy/shop-app`;
const license = "wharf_lic_fixture0000000000000000000000000000";
const d1 = `sha256:${"1".repeat(64)}`;
const d2 = `sha256:${"2".repeat(64)}`;

/** quay.io/acme and Docker Hub's nginx are private; everything else is public. */
const tableClassifier: Classifier = async (ref: ImageReference) =>
  ref.domain === "quay.io" || ref.path === "library/nginx" ? { class: "private" } : { class: "public" };

const options = {
  app: "shop-app",
  target: { kind: "proxy", host, all: false, upstreamNames: new Map() },
  secretName: "shop-app-registry",
  namespace: "shop",
  additionalNamespaces: ["*"],
  allowUnverified: false,
  podSpecPaths: [parseObjectPath("spec.runner")],
} as const;

/** Expected image per `kind/name/container`. */
const expected: Record<string, string> = {
  "Deployment/api/migrate": `${proxy}/quay.io/acme/migrate:2.0`,
  "Deployment/api/api": `${proxy}/quay.io/acme/api:1.4.2`,
  "Deployment/api/proxy": `${proxy}/docker.io/library/nginx:1.25`,
  "StatefulSet/db/db": "docker.io/library/postgres:16",
  "DaemonSet/agent/agent": `${proxy}/quay.io/acme/agent@${d1}`,
  "Job/seed/seed": `${proxy}/quay.io/acme/api:1.4.2@${d2}`,
  "CronJob/nightly/report": `${proxy}/docker.io/library/nginx:1.25`,
  "Pod/debug/main": "registry.example.com/vendor-app/tool:3",
  "Pod/debug/shell": `${proxy}/quay.io/acme/debug:1`,
  "ReplicaSet/workers/worker": `${proxy}/quay.io/acme/worker:5`,
  "ReplicationController/legacy/legacy": "busybox:1.36",
  "Widget/gadget/gadget": `${proxy}/quay.io/acme/gadget:7`,
  "Widget/gadget/runner": `${proxy}/quay.io/acme/runner:7`,
};

type PodSpecLike = Record<string, unknown>;
interface Rendered {
  kind: string;
  metadata: { name: string; namespace: string };
  items: Rendered[];
  spec?: PodSpecLike & {
    template?: { spec?: PodSpecLike };
    jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } };
    runner?: PodSpecLike;
  };
}

/** Every container image and pod spec's pull secrets in rendered documents. */
function collect(text: string) {
  const images: Record<string, string> = {};
  const secrets: Record<string, string[]> = {};
  const namespacesWithSecret: string[] = [];
  const walk = (kind: string, name: string, spec: PodSpecLike | undefined) => {
    if (!spec || !Array.isArray(spec.containers)) return;
    secrets[`${kind}/${name}`] = ((spec.imagePullSecrets as { name: string }[] | undefined) ?? []).map((s) => s.name);
    for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
      for (const c of (spec[field] as { name: string; image: string }[] | undefined) ?? [])
        images[`${kind}/${name}/${c.name}`] = c.image;
    }
  };
  for (const doc of parseAllDocuments(text)) {
    const values = doc.toJS() as Rendered | null;
    const items = values?.kind === "List" ? values.items : [values];
    for (const r of items) {
      if (!r) continue;
      if (r.kind === "Secret") namespacesWithSecret.push(r.metadata.namespace);
      walk(r.kind, r.metadata.name, r.kind === "Pod" ? r.spec : r.spec?.template?.spec);
      walk(r.kind, r.metadata.name, r.spec?.jobTemplate?.spec?.template?.spec);
      if (r.kind === "Widget") walk(r.kind, `${r.metadata.name}`, r.spec?.runner);
    }
  }
  return { images, secrets, namespacesWithSecret: namespacesWithSecret.sort() };
}

describe("wharf rewrite: kustomize overlay rendered by kubectl kustomize", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "wharf-rewrite-"));
  });
  after(async () => {
    if (!process.env.KEEP) await rm(work, { recursive: true, force: true });
  });

  async function overlay(inputDir: string, out: string) {
    const files = await readManifestDir(inputDir);
    const { plan, inventory } = await rewriteManifests({ ...options, files }, { classify: tableClassifier });
    assert.deepEqual(plan.problems, []);
    const secret = renderLicensePullSecret("shop-app-registry", plan.secretNamespaces, host, license);
    for (const [path, text] of renderOverlay(plan, inventory.uses, { kind: "files", files }, secret)) {
      await mkdir(dirname(join(out, path)), { recursive: true });
      await writeFile(join(out, path), text);
    }
    return { plan, files };
  }

  test("every workload, container kind and spelling gets the expected image and the pull secret", async () => {
    const out = join(work, "overlay");
    const { plan } = await overlay(fixtures, out);
    const rendered = collect(await runOk("/usr/bin/kubectl", ["kustomize", out]));
    assert.deepEqual(rendered.images, expected);
    for (const [pod, names] of Object.entries(rendered.secrets)) {
      assert.ok(names.includes("shop-app-registry"), `${pod} lacks the pull secret: ${names}`);
    }
    assert.deepEqual(rendered.secrets["Deployment/api"], ["existing-secret", "shop-app-registry"]);
    assert.deepEqual(rendered.namespacesWithSecret, ["batch", "shop"]);
    const classes = Object.fromEntries(plan.rows.map((r) => [r.image, r.class]));
    assert.equal(classes["registry.example.com/vendor-app/tool:3"], "vendor");
    assert.equal(classes["busybox:1.36"], "public");
    assert.equal(classes["nginx:1.25"], "private");
    assert.deepEqual(plan.warnings, []);
  });

  test("the ConfigMap's image-looking value and every non-image field are untouched", async () => {
    const out = join(work, "overlay-fields");
    await overlay(fixtures, out);
    const rendered = await runOk("/usr/bin/kubectl", ["kustomize", out]);
    assert.match(rendered, /image: quay\.io\/acme\/not-an-image-field:1/);
    assert.match(rendered, /schedule: 0 1 \* \* \*/);
  });

  test("an input folder with its own kustomization is referenced, not copied", async () => {
    const input = join(work, "kustomized");
    await cp(fixtures, input, { recursive: true });
    await writeFile(join(input, "kustomization.yaml"), "resources: [workloads.yaml, list.yaml]\n");
    const files = await readManifestDir(input);
    const { plan, inventory } = await rewriteManifests({ ...options, files }, { classify: tableClassifier });
    const out = join(work, "over-kustomized");
    const written = renderOverlay(plan, inventory.uses, { kind: "kustomization", path: "../kustomized" });
    assert.ok(![...written.keys()].some((k) => k.startsWith("base/")));
    for (const [path, text] of written)
      await writeFile(join(await mkdir(out, { recursive: true }).then(() => out), path), text);
    const rendered = collect(await runOk("/usr/bin/kubectl", ["kustomize", out]));
    assert.equal(rendered.images["Deployment/api/api"], expected["Deployment/api/api"]);
    assert.equal(rendered.images["ReplicaSet/workers/worker"], expected["ReplicaSet/workers/worker"]);
  });

  test("the post-renderer path gives the same images and secrets as the kustomize path", async () => {
    const files = await readManifestDir(fixtures);
    const stream = files.map((f) => f.text.replaceAll("\r\n", "\n")).join("\n---\n");
    const single = parseManifestText("-", stream);
    const { plan } = await rewriteManifests({ ...options, files: [single] }, { classify: tableClassifier });
    const secret = renderLicensePullSecret("shop-app-registry", plan.secretNamespaces, host, license);
    const output = applyInPlace(plan, [single], secret);
    const rendered = collect(output);
    assert.deepEqual(rendered.images, expected);
    assert.deepEqual(rendered.secrets["Deployment/api"], ["existing-secret", "shop-app-registry"]);
    assert.deepEqual(rendered.namespacesWithSecret, ["batch", "shop"]);
    assert.match(output, /# kept/, "comments survive the post-renderer");
  });
});
