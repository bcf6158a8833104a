/**
 * @module
 * Tests for requiredReferences: which digests must exist before a manifest
 * is stored, and which (subject, external layers) need not.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { digestOf } from "../digest/digest.ts";
import { requiredReferences } from "./descriptor-references.ts";
import { mediaTypes as mt } from "./media-types.ts";
import { parseManifest } from "./parse-manifest.ts";

const d = (seed: string) => digestOf(new TextEncoder().encode(seed));
const desc = (mediaType: string, seed: string) => ({ mediaType, digest: d(seed), size: 1 });
const parse = (document: unknown) => parseManifest(new TextEncoder().encode(JSON.stringify(document)), undefined);

describe("requiredReferences", () => {
  it("lists config and layers of an image manifest as blobs, each once", () => {
    const manifest = parse({
      schemaVersion: 2,
      mediaType: mt.ociManifest,
      config: desc(mt.ociConfig, "c"),
      layers: [desc(mt.ociLayerGzip, "a"), desc(mt.ociLayerGzip, "b"), desc(mt.ociLayerGzip, "a")],
    });
    assert.deepEqual(requiredReferences(manifest), {
      blobs: [d("c"), d("a"), d("b")],
      manifests: [],
    });
  });

  it("lists index entries as manifests, not the subject", () => {
    const manifest = parse({
      schemaVersion: 2,
      mediaType: mt.ociIndex,
      manifests: [desc(mt.ociManifest, "x"), desc(mt.ociManifest, "y"), desc(mt.ociManifest, "x")],
      subject: desc(mt.ociIndex, "s"),
    });
    assert.deepEqual(requiredReferences(manifest), { blobs: [], manifests: [d("x"), d("y")] });
  });

  it("does not require the subject of an artifact; empty config counted once", () => {
    const empty = { mediaType: mt.ociEmpty, digest: d("{}"), size: 2 };
    const manifest = parse({
      schemaVersion: 2,
      mediaType: mt.ociManifest,
      artifactType: "application/vnd.example+json",
      config: empty,
      layers: [empty],
      subject: desc(mt.ociManifest, "s"),
    });
    assert.deepEqual(requiredReferences(manifest), { blobs: [d("{}")], manifests: [] });
  });

  it("leaves out layers fetched from urls", () => {
    const manifest = parse({
      schemaVersion: 2,
      mediaType: mt.dockerManifest,
      config: desc(mt.dockerConfig, "c"),
      layers: [
        { ...desc(mt.dockerForeignLayerGzip, "base"), urls: ["https://example.com/base"] },
        { ...desc(mt.dockerLayerGzip, "top"), urls: [] },
      ],
    });
    assert.deepEqual(requiredReferences(manifest).blobs, [d("c"), d("top")]);
  });
});
