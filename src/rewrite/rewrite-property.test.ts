/**
 * Properties of the rewrite over random manifests (seeded, so a failure
 * replays): rewriting the output again changes nothing, and no field but
 * container images and `imagePullSecrets` ever changes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAllDocuments, stringify } from "yaml";
import { applyInPlace } from "./apply-in-place.ts";
import type { Classifier } from "./classify-image.ts";
import { parseManifestText } from "./manifest-input.ts";
import { rewriteManifests } from "./rewrite-manifests.ts";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pool = [
  "nginx",
  "nginx:1.25",
  "docker.io/library/nginx:1.25",
  "quay.io/acme/api:1.0",
  `quay.io/acme/api@sha256:${"a".repeat(64)}`,
  `quay.io/acme/api:2.0@sha256:${"b".repeat(64)}`,
  "ghcr.io/acme/worker:3",
  "wharf.example.com/shop/tool:1",
  "busybox:1.36",
];
const kinds = [
  ["apps/v1", "Deployment"],
  ["apps/v1beta2", "StatefulSet"],
  ["batch/v1", "Job"],
  ["batch/v1beta1", "CronJob"],
  ["v1", "Pod"],
] as const;

function randomManifests(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const docs: string[] = [];
  const count = 1 + Math.floor(next() * 5);
  for (let i = 0; i < count; i++) {
    const [apiVersion, kind] = pick(kinds);
    const containers = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, c) => ({
      name: `c${c}`,
      image: pick(pool),
      ...(next() < 0.3 && { env: [{ name: "IMAGE", value: pick(pool) }] }),
    }));
    const spec: Record<string, unknown> = { containers, ...(next() < 0.3 && { imagePullSecrets: [{ name: "mine" }] }) };
    if (next() < 0.3) spec.initContainers = [{ name: "init", image: pick(pool) }];
    const metadata = { name: `r${i}`, ...(next() < 0.5 && { namespace: pick(["a", "b"]) }), labels: { app: "x" } };
    const template = { metadata: { labels: { app: "x" } }, spec };
    const body =
      kind === "Pod"
        ? { spec }
        : kind === "CronJob"
          ? { spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } } }
          : { spec: { replicas: 2, template } };
    docs.push(stringify({ apiVersion, kind, metadata, ...body }));
  }
  return docs.join("---\n");
}

const classify: Classifier = async (ref) =>
  ref.domain === "quay.io" || ref.domain === "ghcr.io" ? { class: "private" } : { class: "public" };

const options = {
  app: "shop",
  target: { kind: "proxy", host: "wharf.example.com", all: false, upstreamNames: new Map() },
  secretName: "shop-registry",
  namespace: "default",
  additionalNamespaces: ["*"],
  allowUnverified: false,
} as const;

async function rewrite(text: string) {
  const file = parseManifestText("-", text);
  const { plan } = await rewriteManifests({ ...options, files: [file] }, { classify });
  return { plan, output: applyInPlace(plan, [file]) };
}

/** The documents with container images and pull secrets blanked out. */
function withoutImages(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) =>
    JSON.parse(JSON.stringify(doc.toJS()), (key, value) =>
      key === "imagePullSecrets" ? undefined : key === "image" && typeof value === "string" ? "<image>" : value,
    ),
  );
}

describe("rewrite properties over random manifests", () => {
  test("rewriting the output again is a no-op, and only images and pull secrets change", async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const input = randomManifests(random(seed));
      const once = await rewrite(input);
      const twice = await rewrite(once.output);
      assert.deepEqual(twice.plan.edits, [], `seed ${seed}: second rewrite changed images`);
      assert.deepEqual(twice.plan.secretSites, [], `seed ${seed}: second rewrite added secrets`);
      assert.equal(twice.output, once.output, `seed ${seed}: output differs`);
      // env values that look like images are not container images: untouched.
      assert.deepEqual(withoutImages(once.output), withoutImages(input), `seed ${seed}: a non-image field changed`);
    }
  });
});
