/**
 * The mark phase: tagged manifests, the children of kept indexes and the
 * referrers of kept manifests stay; old untagged ones go; links follow the
 * manifests still present. Retention keeps the newest N and protected tags.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { GcManifest } from "../metadata/gc-metadata.ts";
import { planManifests, unneededLinks } from "./plan-repository.ts";
import { expiredTags } from "./retention.ts";

const d = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
const oci = "application/vnd.oci.image.manifest.v1+json";
const ociIndex = "application/vnd.oci.image.index.v1+json";

function image(n: number, layers: number[], subject?: number, at = 0): GcManifest {
  const doc = {
    schemaVersion: 2,
    mediaType: oci,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d(layers[0]!), size: 1 },
    layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: d(l), size: 1 })),
  };
  return {
    digest: d(n),
    mediaType: oci,
    size: 1,
    content: Buffer.from(JSON.stringify(doc)),
    subjectDigest: subject === undefined ? undefined : d(subject),
    lastReferencedAt: at,
  };
}

function index(n: number, children: number[]): GcManifest {
  const doc = {
    schemaVersion: 2,
    mediaType: ociIndex,
    manifests: children.map((c) => ({ mediaType: oci, digest: d(c), size: 1 })),
  };
  return {
    digest: d(n),
    mediaType: ociIndex,
    size: 1,
    content: Buffer.from(JSON.stringify(doc)),
    subjectDigest: undefined,
    lastReferencedAt: 0,
  };
}

test("tagged, indexed and referring manifests stay; an old untagged one goes, then its layers' links", () => {
  const manifests = [
    index(1, [2, 3]),
    image(2, [20, 21]),
    image(3, [20, 30]),
    image(4, [40], 2),
    image(5, [50, 20]),
    image(6, [60], undefined, 1000),
  ];
  const tags = [{ name: "1.0", digest: d(1), updatedAt: 0 }];
  const doomed = planManifests({ manifests, tags, untaggedCutoff: 500, keepAll: false });
  assert.deepEqual(
    doomed.map((m) => m.digest),
    [d(5)],
  );
  const pinned = new Set([d(5), d(99)]);
  assert.deepEqual(
    planManifests({ manifests, tags, untaggedCutoff: 500, keepAll: false, pinned }),
    [],
    "a pin keeps it",
  );
  assert.deepEqual(planManifests({ manifests, tags, untaggedCutoff: undefined, keepAll: false }), []);
  assert.deepEqual(planManifests({ manifests, tags: [], untaggedCutoff: 5000, keepAll: true }), []);
  const remaining = manifests.filter((m) => m.digest !== d(5));
  const links = [20, 21, 30, 40, 50, 60, 70].map((n) => ({ digest: d(n), lastReferencedAt: n === 70 ? 900 : 0 }));
  assert.deepEqual(unneededLinks(remaining, links, 800, false), [d(50)]);
  assert.deepEqual(unneededLinks(remaining, links, 1000, false), [d(50), d(70)]);
  assert.deepEqual(unneededLinks(remaining, links, 1000, true), []);
});

test("retention keeps the last N pushed tags and the protected patterns", () => {
  const tags = ["a", "b", "c", "v1", "v2"].map((name, i) => ({ name, digest: d(i), updatedAt: i }));
  const names = (rule: Parameters<typeof expiredTags>[1]) =>
    expiredTags(tags, rule)
      .map((t) => t.name)
      .sort();
  assert.deepEqual(names({ repositories: "*", keepLast: 2 }), ["a", "b", "c"]);
  assert.deepEqual(names({ repositories: "*", keepLast: 1, keepTags: ["v*"] }), ["a", "b", "c"]);
  assert.deepEqual(names({ repositories: "*", keepLast: 0, keepTags: ["a", "v1"] }), ["b", "c", "v2"]);
  assert.deepEqual(names({ repositories: "*" }), []);
  assert.deepEqual(names(undefined), []);
});

test("retention by push and pull windows and by semver range, each tag with the reason it goes", () => {
  const hour = 3_600_000;
  const now = 100 * hour;
  const tags = [
    { name: "1.2.0", digest: d(1), updatedAt: now - 50 * hour, pulledAt: now - hour },
    { name: "1.3.0", digest: d(2), updatedAt: now - 50 * hour },
    { name: "2.0.0", digest: d(3), updatedAt: now - 50 * hour, pulledAt: now - 30 * hour },
    { name: "2.5.1", digest: d(4), updatedAt: now - 2 * hour },
    { name: "dev", digest: d(5), updatedAt: now - 60 * hour },
  ];
  const expired = expiredTags(
    tags,
    { repositories: "*", keepPushedWithin: 24 * hour, keepPulledWithin: 24 * hour, keepSemver: "^1.3 || >=2.5" },
    now,
  );
  assert.deepEqual(
    expired.map((t) => [t.name, t.reason]),
    [
      ["2.0.0", "pushed 2d 2h ago; last pulled 1d 6h ago; not a version in ^1.3 || >=2.5"],
      ["dev", "pushed 2d 12h ago; never pulled; not a version in ^1.3 || >=2.5"],
    ],
  );
  const last = expiredTags(tags, { repositories: "*", keepLast: 1, keepTags: ["dev"] }, now);
  assert.deepEqual(last[0]!.reason, "not among the 1 newest; matches none of dev");
});
