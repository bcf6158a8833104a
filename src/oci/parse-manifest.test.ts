/**
 * @module
 * Table tests for parseManifest: one row per accepted or refused document,
 * asserting the parsed shape or the error code and message fragments.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { digestOf } from "../digest/digest.ts";
import { isDomainError } from "../errors/domain-error.ts";
import { mediaTypes as mt } from "./media-types.ts";
import { maxDescriptors, type ParsedManifest, parseManifest } from "./parse-manifest.ts";

const d = (seed: string) => digestOf(new TextEncoder().encode(seed));
const desc = (mediaType: string, seed: string, size = 100) => ({
  mediaType,
  digest: d(seed),
  size,
});

const ociImage = () => ({
  schemaVersion: 2,
  mediaType: mt.ociManifest,
  config: desc(mt.ociConfig, "config", 1469),
  layers: [desc(mt.ociLayerGzip, "l0"), desc(mt.ociLayerGzip, "l1"), desc(mt.ociLayerZstd, "l2")],
  annotations: { "org.opencontainers.image.created": "2024-01-01T00:00:00Z" },
});
const ociIndex = () => ({
  schemaVersion: 2,
  mediaType: mt.ociIndex,
  manifests: [
    { ...desc(mt.ociManifest, "amd64"), platform: { architecture: "amd64", os: "linux" } },
    {
      ...desc(mt.ociManifest, "arm64"),
      platform: { architecture: "arm64", os: "linux", variant: "v8", "os.features": ["x"] },
    },
    {
      ...desc(mt.ociManifest, "attestation"),
      platform: { architecture: "unknown", os: "unknown" },
      annotations: { "vnd.docker.reference.type": "attestation-manifest" },
    },
  ],
});
const dockerImage = () => ({
  schemaVersion: 2,
  mediaType: mt.dockerManifest,
  config: desc(mt.dockerConfig, "dconfig"),
  layers: [desc(mt.dockerLayerGzip, "dl0")],
});
const dockerList = () => ({
  schemaVersion: 2,
  mediaType: mt.dockerManifestList,
  manifests: [{ ...desc(mt.dockerManifest, "d-amd64"), platform: { architecture: "amd64", os: "linux" } }],
});
const artifact = () => ({
  schemaVersion: 2,
  mediaType: mt.ociManifest,
  artifactType: "application/vnd.example.sbom.v1+json",
  config: { mediaType: mt.ociEmpty, digest: d("{}"), size: 2 },
  layers: [],
  subject: desc(mt.ociManifest, "subject", 1234),
});
const without = (object: Record<string, unknown>, ...keys: string[]) => {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
};
const manyLayers = (count: number) => ({
  ...ociImage(),
  layers: Array.from({ length: count }, () => desc(mt.ociLayerGzip, "same")),
});

interface Row {
  readonly name: string;
  readonly body: unknown;
  readonly contentType?: string;
  /** Assertions on the result; omitted for refused rows. */
  readonly check?: (parsed: ParsedManifest) => void;
  /** Message fragments of the expected MANIFEST_INVALID. */
  readonly error?: readonly string[];
}

const encode = (body: unknown): Uint8Array =>
  body instanceof Uint8Array ? body : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));

const valid: Row[] = [
  {
    name: "OCI image manifest with matching Content-Type",
    body: ociImage(),
    contentType: mt.ociManifest,
    check: (p) => {
      assert.equal(p.mediaType, mt.ociManifest);
      assert.equal(p.isIndex, false);
      assert.equal(p.config?.size, 1469);
      assert.deepEqual(
        p.layers.map((l) => l.digest),
        [d("l0"), d("l1"), d("l2")],
      );
      assert.deepEqual(p.manifests, []);
      assert.equal(p.annotations?.["org.opencontainers.image.created"], "2024-01-01T00:00:00Z");
    },
  },
  {
    name: "OCI image manifest typed by the header only",
    body: without(ociImage(), "mediaType"),
    contentType: mt.ociManifest,
    check: (p) => assert.equal(p.mediaType, mt.ociManifest),
  },
  {
    name: "OCI image manifest inferred from config and layers",
    body: without(ociImage(), "mediaType"),
    check: (p) => assert.equal(p.mediaType, mt.ociManifest),
  },
  {
    name: "Content-Type with charset parameter and odd case",
    body: ociImage(),
    contentType: "Application/VND.oci.image.manifest.v1+json ; charset=utf-8",
    check: (p) => assert.equal(p.mediaType, mt.ociManifest),
  },
  {
    name: "generic application/json header defers to the body",
    body: ociImage(),
    contentType: "application/json",
    check: (p) => assert.equal(p.mediaType, mt.ociManifest),
  },
  {
    name: "OCI index with platforms",
    body: ociIndex(),
    contentType: mt.ociIndex,
    check: (p) => {
      assert.equal(p.isIndex, true);
      assert.equal(p.config, undefined);
      assert.deepEqual(p.layers, []);
      assert.equal(p.manifests.length, 3);
      assert.deepEqual(p.manifests[1]?.platform, {
        architecture: "arm64",
        os: "linux",
        variant: "v8",
        "os.features": ["x"],
      });
      assert.equal(p.manifests[2]?.annotations?.["vnd.docker.reference.type"], "attestation-manifest");
    },
  },
  {
    name: "OCI index inferred from manifests",
    body: without(ociIndex(), "mediaType"),
    check: (p) => assert.equal(p.mediaType, mt.ociIndex),
  },
  {
    name: "empty OCI index",
    body: { schemaVersion: 2, mediaType: mt.ociIndex, manifests: [] },
    check: (p) => assert.deepEqual(p.manifests, []),
  },
  {
    name: "Docker schema 2 manifest",
    body: dockerImage(),
    contentType: mt.dockerManifest,
    check: (p) => {
      assert.equal(p.mediaType, mt.dockerManifest);
      assert.equal(p.config?.mediaType, mt.dockerConfig);
      assert.equal(p.layers.length, 1);
    },
  },
  {
    name: "Docker manifest list",
    body: dockerList(),
    contentType: mt.dockerManifestList,
    check: (p) => {
      assert.equal(p.isIndex, true);
      assert.equal(p.manifests[0]?.platform?.architecture, "amd64");
    },
  },
  {
    name: "Docker fields subject/artifactType are ignored (not defined there)",
    body: { ...dockerImage(), subject: "junk", artifactType: 7 },
    check: (p) => {
      assert.equal(p.subject, undefined);
      assert.equal(p.artifactType, undefined);
    },
  },
  {
    name: "OCI 1.1 artifact: empty config, no layers, artifactType, subject",
    body: artifact(),
    contentType: mt.ociManifest,
    check: (p) => {
      assert.equal(p.artifactType, "application/vnd.example.sbom.v1+json");
      assert.equal(p.subject?.digest, d("subject"));
      assert.deepEqual(p.layers, []);
    },
  },
  {
    name: "artifact typed by its config media type needs no artifactType",
    body: {
      ...artifact(),
      artifactType: undefined,
      config: desc("application/vnd.cncf.helm.config.v1+json", "c"),
    },
    check: (p) => assert.equal(p.artifactType, undefined),
  },
  {
    name: "index with artifactType and subject",
    body: {
      ...ociIndex(),
      artifactType: "application/vnd.example+json",
      subject: desc(mt.ociIndex, "s"),
    },
    check: (p) => assert.equal(p.subject?.mediaType, mt.ociIndex),
  },
  {
    name: "foreign layer with urls, sha512 digest, descriptor mediaType with parameter",
    body: {
      ...dockerImage(),
      layers: [
        { ...desc(mt.dockerForeignLayerGzip, "win"), urls: ["https://mcr.microsoft.com/x"] },
        { mediaType: "text/plain; charset=utf-8", digest: `sha512:${"a".repeat(128)}`, size: 0 },
      ],
    },
    check: (p) => {
      assert.deepEqual(p.layers[0]?.urls, ["https://mcr.microsoft.com/x"]);
      assert.equal(p.layers[1]?.size, 0);
    },
  },
  {
    name: "unknown fields are ignored and not copied",
    body: {
      ...ociImage(),
      futureField: { x: 1 },
      config: { ...desc(mt.ociConfig, "c"), data: "e30=" },
    },
    check: (p) => assert.deepEqual(Object.keys(p.config ?? {}), ["mediaType", "digest", "size"]),
  },
  {
    name: `exactly ${maxDescriptors} descriptors`,
    body: manyLayers(maxDescriptors - 1),
    check: (p) => assert.equal(p.layers.length, maxDescriptors - 1),
  },
];

const bad = "sha256:abc";
const invalid: Row[] = [
  { name: "invalid JSON", body: "{not json", error: ["manifest is not valid JSON:"] },
  { name: "empty body", body: "", error: ["manifest is not valid JSON:"] },
  { name: "not UTF-8", body: new Uint8Array([0x7b, 0xff, 0x7d]), error: ["not UTF-8"] },
  { name: "top-level array", body: [], error: ["manifest is not valid JSON", "got an array"] },
  {
    name: "byte order mark",
    body: new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"schemaVersion":2}')]),
    error: ["manifest is not valid JSON", "byte order mark"],
  },
  { name: "duplicate key", body: '{"schemaVersion":2,"schemaVersion":2}', error: ['"schemaVersion" twice'] },
  { name: "deep nesting", body: "[".repeat(100_000), error: ["manifest is refused", "deeper than 64 levels"] },
  {
    name: "schema 1 by schemaVersion",
    body: { schemaVersion: 1, name: "x", tag: "y", fsLayers: [] },
    error: ["Docker schema 1 manifests are not supported", "skopeo copy --format v2s2"],
  },
  {
    name: "schema 1 by header",
    body: { schemaVersion: 1 },
    contentType: mt.dockerSchema1Signed,
    error: ["Docker schema 1 manifests are not supported", "docker ≥ 1.10"],
  },
  {
    name: "schema 1 by body mediaType",
    body: { ...dockerImage(), mediaType: mt.dockerSchema1 },
    error: ["Docker schema 1 manifests are not supported"],
  },
  {
    name: "body and Content-Type disagree",
    body: ociImage(),
    contentType: mt.dockerManifest,
    error: ["mediaType:", `the body says "${mt.ociManifest}"`, `Content-Type header says "${mt.dockerManifest}"`],
  },
  {
    name: "index body sent as image manifest",
    body: ociIndex(),
    contentType: mt.ociManifest,
    error: ["they must be the same"],
  },
  {
    name: "unknown body media type",
    body: { ...ociImage(), mediaType: "application/vnd.example.thing+json" },
    error: ["mediaType: unsupported manifest media type", mt.ociManifest, mt.dockerManifestList],
  },
  {
    name: "unknown header media type",
    body: without(ociImage(), "mediaType"),
    contentType: "text/html",
    error: ['Content-Type: unsupported manifest media type "text/html"', mt.ociIndex],
  },
  {
    name: "withdrawn OCI artifact manifest type",
    body: { ...ociImage(), mediaType: "application/vnd.oci.artifact.manifest.v1+json" },
    error: ["unsupported manifest media type", "artifactType instead"],
  },
  {
    name: "mediaType not a string",
    body: { ...ociImage(), mediaType: 5 },
    error: ["mediaType: must be a string"],
  },
  {
    name: "type cannot be told",
    body: { schemaVersion: 2 },
    error: ["cannot tell the manifest type"],
  },
  {
    name: "ambiguous untyped document",
    body: { ...without(ociImage(), "mediaType"), manifests: [] },
    error: ["cannot tell whether", "both"],
  },
  {
    name: "missing schemaVersion",
    body: without(ociImage(), "schemaVersion"),
    error: ["schemaVersion:", "missing"],
  },
  {
    name: "schemaVersion as string",
    body: { ...ociImage(), schemaVersion: "2" },
    error: ["schemaVersion:", 'got "2"'],
  },
  {
    name: "schemaVersion 3",
    body: { ...ociImage(), schemaVersion: 3 },
    error: ["schemaVersion: must be the number 2, got 3"],
  },
  {
    name: "bad layer digest",
    body: {
      ...ociImage(),
      layers: [desc(mt.ociLayerGzip, "a"), desc(mt.ociLayerGzip, "b"), { ...desc(mt.ociLayerGzip, "c"), digest: bad }],
    },
    error: ["layers[2].digest:", '"sha256:abc" is not a valid digest', "sha256:<64 hex>"],
  },
  {
    name: "unsupported digest algorithm",
    body: {
      ...ociImage(),
      config: { ...desc(mt.ociConfig, "c"), digest: `md5:${"a".repeat(32)}` },
    },
    error: ["config.digest:", "not a valid digest"],
  },
  {
    name: "upper-case digest",
    body: {
      ...ociImage(),
      config: {
        ...desc(mt.ociConfig, "c"),
        digest: d("c").toUpperCase().replace("SHA256", "sha256"),
      },
    },
    error: ["config.digest:"],
  },
  {
    name: "missing digest",
    body: { ...ociImage(), config: without(desc(mt.ociConfig, "c"), "digest") },
    error: ["config.digest: required"],
  },
  {
    name: "negative size",
    body: { ...ociImage(), layers: [desc(mt.ociLayerGzip, "a", -1)] },
    error: ["layers[0].size:", "non-negative", "got -1"],
  },
  {
    name: "fractional size",
    body: { ...ociImage(), layers: [desc(mt.ociLayerGzip, "a", 1.5)] },
    error: ["layers[0].size:", "got 1.5"],
  },
  {
    name: "unsafe size",
    body: { ...ociImage(), layers: [desc(mt.ociLayerGzip, "a", 2 ** 53)] },
    error: ["layers[0].size:"],
  },
  {
    name: "string size",
    body: { ...ociImage(), config: { ...desc(mt.ociConfig, "c"), size: "10" } },
    error: ["config.size:", 'got "10"'],
  },
  {
    name: "missing descriptor mediaType",
    body: { ...ociImage(), layers: [without(desc("x/y", "a"), "mediaType")] },
    error: ["layers[0].mediaType: required"],
  },
  {
    name: "malformed descriptor mediaType",
    body: { ...ociImage(), layers: [desc("not a type", "a")] },
    error: ["layers[0].mediaType:", "type/subtype"],
  },
  {
    name: "layer not an object",
    body: { ...ociImage(), layers: ["sha256:x"] },
    error: ["layers[0]: must be an object"],
  },
  { name: "missing config", body: without(ociImage(), "config"), error: ["config: required"] },
  {
    name: "missing config in Docker manifest",
    body: without(dockerImage(), "config"),
    error: ["config: required"],
  },
  {
    name: "config is null",
    body: { ...ociImage(), config: null },
    error: ["config: must be an object, got null"],
  },
  { name: "missing layers", body: without(ociImage(), "layers"), error: ["layers: required"] },
  {
    name: "layers not an array",
    body: { ...ociImage(), layers: {} },
    error: ["layers: must be an array, got an object"],
  },
  {
    name: "image manifest with manifests",
    body: { ...ociImage(), manifests: [] },
    error: ["manifests:", "ambiguous"],
  },
  {
    name: "index with layers",
    body: { ...ociIndex(), layers: [] },
    error: ["layers:", "ambiguous"],
  },
  {
    name: "index without manifests",
    body: without(ociIndex(), "manifests"),
    contentType: mt.ociIndex,
    error: ["manifests: required"],
  },
  {
    name: "platform without architecture",
    body: {
      ...dockerList(),
      manifests: [{ ...desc(mt.dockerManifest, "x"), platform: { os: "linux" } }],
    },
    error: ["manifests[0].platform.architecture: required"],
  },
  {
    name: "bad os.features",
    body: {
      ...ociIndex(),
      manifests: [
        {
          ...desc(mt.ociManifest, "x"),
          platform: { os: "windows", architecture: "amd64", "os.features": [1] },
        },
      ],
    },
    error: ['manifests[0].platform["os.features"][0]: must be a string'],
  },
  {
    name: "annotation value not a string",
    body: { ...ociImage(), annotations: { a: 1 } },
    error: ['annotations["a"]: must be a string, got 1'],
  },
  {
    name: "artifactType malformed",
    body: { ...artifact(), artifactType: "sbom" },
    error: ['artifactType: "sbom" is not a media type'],
  },
  {
    name: "artifactType not a string",
    body: { ...artifact(), artifactType: 1 },
    error: ["artifactType: must be a string"],
  },
  {
    name: "empty config without artifactType",
    body: without(artifact(), "artifactType"),
    error: ["artifactType: required when config.mediaType is application/vnd.oci.empty.v1+json"],
  },
  {
    name: "subject with bad digest",
    body: { ...artifact(), subject: { ...desc(mt.ociManifest, "s"), digest: bad } },
    error: ["subject.digest:"],
  },
  {
    name: "subject not an object",
    body: { ...artifact(), subject: "sha256:x" },
    error: ["subject: must be an object"],
  },
  {
    name: "too many descriptors",
    body: manyLayers(maxDescriptors),
    error: [`${maxDescriptors + 1} descriptors`, `at most ${maxDescriptors}`],
  },
  {
    name: "too many index entries",
    body: {
      ...ociIndex(),
      manifests: Array.from({ length: maxDescriptors + 1 }, () => desc(mt.ociManifest, "m")),
    },
    error: ["at most 10000"],
  },
];

describe("parseManifest accepts", () => {
  for (const row of valid) {
    it(row.name, () => {
      const parsed = parseManifest(encode(row.body), row.contentType);
      row.check?.(parsed);
    });
  }
});

describe("parseManifest refuses", () => {
  for (const row of invalid) {
    it(row.name, () => {
      assert.throws(
        () => parseManifest(encode(row.body), row.contentType),
        (error: unknown) => {
          assert.ok(isDomainError(error, "manifest-invalid"), `expected manifest-invalid, got ${String(error)}`);
          for (const fragment of row.error ?? []) {
            assert.ok(
              error.message.includes(fragment),
              `${JSON.stringify(error.message)} lacks ${JSON.stringify(fragment)}`,
            );
          }
          return true;
        },
      );
    });
  }
});
