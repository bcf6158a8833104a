import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseReference } from "../reference/parse-reference.ts";
import { releaseDriftWarnings } from "./release-drift.ts";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const refs = (...images: string[]) =>
  new Map(
    images.map((i) => {
      const parsed = parseReference(i);
      assert.ok(parsed.ok);
      return [i, parsed.reference] as const;
    }),
  );

describe("releaseDriftWarnings", () => {
  const release = {
    version: "1.0",
    images: [
      { name: "acme/api", tag: "1.0", digest: d("a") },
      { name: "tool", tag: "2", digest: d("b") },
    ],
  };

  test("warns when a released tag now pins another digest, naming both and the release", () => {
    const images = refs("quay.io/acme/api:1.0", "wharf.example/shop/tool:2");
    const pins = new Map([
      ["quay.io/acme/api:1.0", d("c")],
      ["wharf.example/shop/tool:2", d("b")],
    ]);
    assert.deepEqual(releaseDriftWarnings(images, pins, release), [
      `quay.io/acme/api:1.0: tag 1.0 moved since release 1.0 (released ${d("a")}, now ${d("c")}); the pin follows the tag`,
    ]);
  });

  test("leaves alone images not in the release, with another tag, with a digest, or not pinned", () => {
    const images = refs("quay.io/acme/api:2.0", "quay.io/other/x:1.0", `quay.io/acme/api:1.0@${d("f")}`, "nginx:1.0");
    const pins = new Map([
      ["quay.io/acme/api:2.0", d("c")],
      ["quay.io/other/x:1.0", d("c")],
    ]);
    assert.deepEqual(releaseDriftWarnings(images, pins, release), []);
  });

  test("a path only ending in the released name's last letters does not match", () => {
    const images = refs("quay.io/acme/myapi:1.0");
    assert.deepEqual(releaseDriftWarnings(images, new Map([["quay.io/acme/myapi:1.0", d("c")]]), release), []);
  });
});
