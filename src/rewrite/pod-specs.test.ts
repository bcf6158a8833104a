import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findPodSpecs, parseObjectPath } from "./pod-specs.ts";

const spec = { containers: [{ name: "a", image: "x" }] };

describe("findPodSpecs", () => {
  test("finds PodSpecs by shape, for any kind and apiVersion", () => {
    assert.deepEqual(findPodSpecs({ kind: "Pod", spec }), [["spec"]]);
    assert.deepEqual(findPodSpecs({ kind: "Deployment", apiVersion: "apps/v1beta1", spec: { template: { spec } } }), [
      ["spec", "template", "spec"],
    ]);
    assert.deepEqual(findPodSpecs({ kind: "CronJob", spec: { jobTemplate: { spec: { template: { spec } } } } }), [
      ["spec", "jobTemplate", "spec", "template", "spec"],
    ]);
    assert.deepEqual(findPodSpecs({ kind: "PodTemplate", template: { spec } }), [["template", "spec"]]);
  });

  test("ignores look-alikes and finds extra paths", () => {
    assert.deepEqual(findPodSpecs({ kind: "X", spec: { template: { spec: { foo: 1 } } } }), []);
    assert.deepEqual(findPodSpecs({ kind: "X", spec: { runner: spec } }, [parseObjectPath("spec.runner")]), [
      ["spec", "runner"],
    ]);
    assert.deepEqual(findPodSpecs(null), []);
    assert.deepEqual(findPodSpecs("text"), []);
  });

  test("object paths are dot-separated; numbers index lists", () => {
    assert.deepEqual(parseObjectPath("spec.jobs.0.pod"), ["spec", "jobs", 0, "pod"]);
    assert.throws(() => parseObjectPath("spec..x"), /dot-separated/);
  });
});
