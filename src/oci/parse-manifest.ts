/**
 * @module
 * Parses and validates a pushed manifest body in one pass over one
 * bounded JSON.parse (see parse-bounded-json.ts: depth, size and duplicate
 * keys are checked before JSON.parse runs): OCI image manifests (OCI 1.1 artifacts included), OCI indexes,
 * Docker schema 2 manifests and manifest lists. It is pure and on the PUT hot
 * path, so it checks structure only; whether the referenced blobs exist is
 * the registry service's question (see descriptor-references.ts).
 */
import { BoundedJsonError } from "../json/bounded-json-error.ts";
import { isMalformedJson, type JsonBounds, parseBoundedJson } from "../json/parse-bounded-json.ts";
import { type Descriptor, parseDescriptor, readArtifactType } from "./descriptor.ts";
import {
  describeValue,
  isJsonObject,
  type JsonObject,
  manifestInvalid,
  readAnnotations,
  readOptionalArray,
} from "./field-readers.ts";
import { ManifestError } from "./manifest-error.ts";
import { isIndexMediaType, type ManifestMediaType, mediaTypes } from "./media-types.ts";
import { resolveManifestMediaType } from "./resolve-media-type.ts";

/** The most descriptors (config, layers, index entries, subject) one manifest may hold. */
export const maxDescriptors = 10_000;

/**
 * The shape any manifest stays within. Real manifests nest 5 levels deep;
 * entries allow more than {@link maxDescriptors} so that limit is reported
 * with its own, clearer message.
 */
export const manifestJsonBounds: JsonBounds = {
  maxDepth: 64,
  maxEntries: 2 * maxDescriptors,
  maxValues: 50 * maxDescriptors,
};

/** A validated manifest. Image manifests have no `manifests`; indexes have no config or layers. */
export interface ParsedManifest {
  readonly mediaType: ManifestMediaType;
  /** True for an OCI index or a Docker manifest list. */
  readonly isIndex: boolean;
  /** Present for every image manifest, absent for indexes. */
  readonly config?: Descriptor;
  /** Image layers in stack order; empty for indexes, and possibly for artifacts. */
  readonly layers: readonly Descriptor[];
  /** Index entries, with `platform` when the document gives one; empty for image manifests. */
  readonly manifests: readonly Descriptor[];
  /** The manifest this one refers to (OCI only; need not exist in the repository). */
  readonly subject?: Descriptor;
  /** OCI only. */
  readonly artifactType?: string;
  /** OCI only; Docker formats define no top-level annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const none: readonly Descriptor[] = Object.freeze([]);

/**
 * Parses `body` as the manifest format named by its `mediaType` field and the
 * `contentType` header (see resolveManifestMediaType for how they combine).
 * Throws MANIFEST_INVALID, its message naming the offending field's path, for:
 * bytes that are not UTF-8 JSON of an object, start with a byte order mark,
 * have a duplicate key or exceed {@link manifestJsonBounds}; Docker schema 1; an unknown or
 * disagreeing media type; `schemaVersion` other than the number 2; a bad
 * descriptor; an image manifest with `manifests` or an index with
 * `config`/`layers` (ambiguous documents); more than {@link maxDescriptors}
 * descriptors; an OCI image manifest whose config is the empty descriptor
 * type but which has no `artifactType` (image-spec 1.1 makes that a MUST).
 * Unknown fields are ignored, as the image spec requires.
 */
export function parseManifest(body: Uint8Array, contentType: string | undefined): ParsedManifest {
  const document = parseJsonObject(body);
  const mediaType = resolveManifestMediaType(document, contentType);
  if (document.schemaVersion !== 2) {
    const got = document.schemaVersion === undefined ? "it is missing" : `got ${describeValue(document.schemaVersion)}`;
    throw manifestInvalid("schemaVersion", `must be the number 2, ${got}`);
  }
  const isOci = mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.ociIndex;
  const subject = isOci && document.subject !== undefined ? document.subject : undefined;
  const isIndex = isIndexMediaType(mediaType);
  const parsed: Mutable<ParsedManifest> = isIndex
    ? readIndex(document, mediaType, subject !== undefined)
    : readImage(document, mediaType, subject !== undefined);
  if (!isOci) return parsed;
  if (subject !== undefined) parsed.subject = parseDescriptor(subject, "subject");
  const artifactType = readArtifactType(document.artifactType, "artifactType");
  if (artifactType !== undefined) parsed.artifactType = artifactType;
  const annotations = readAnnotations(document.annotations, "annotations");
  if (annotations !== undefined) parsed.annotations = annotations;
  if (parsed.config?.mediaType === mediaTypes.ociEmpty && artifactType === undefined) {
    throw manifestInvalid(
      "artifactType",
      `required when config.mediaType is ${mediaTypes.ociEmpty} (image-spec 1.1, artifact usage)`,
    );
  }
  return parsed;
}

function parseJsonObject(body: Uint8Array): JsonObject {
  let value: unknown;
  try {
    value = parseBoundedJson(body, manifestJsonBounds);
  } catch (error) {
    if (!(error instanceof BoundedJsonError)) throw error;
    const framing = isMalformedJson(error) ? "is not valid JSON" : "is refused";
    throw new ManifestError("manifest-invalid", `manifest ${framing}: ${error.message}`, {
      data: { problem: error.kind },
    });
  }
  if (!isJsonObject(value)) {
    throw new ManifestError(
      "manifest-invalid",
      `manifest is not valid JSON: expected an object at the top level, got ${describeValue(value)}`,
    );
  }
  return value;
}

function readImage(document: JsonObject, mediaType: ManifestMediaType, hasSubject: boolean): Mutable<ParsedManifest> {
  if (document.manifests !== undefined) {
    throw manifestInvalid("manifests", "an image manifest must not have this field (ambiguous document)");
  }
  if (document.config === undefined) throw manifestInvalid("config", "required in an image manifest");
  const layers = readOptionalArray(document.layers, "layers");
  if (layers === undefined) throw manifestInvalid("layers", "required in an image manifest (may be empty)");
  checkCount(1 + layers.length + (hasSubject ? 1 : 0));
  return {
    mediaType,
    isIndex: false,
    config: parseDescriptor(document.config, "config"),
    layers: layers.map((layer, i) => parseDescriptor(layer, `layers[${i}]`)),
    manifests: none,
  };
}

function readIndex(document: JsonObject, mediaType: ManifestMediaType, hasSubject: boolean): Mutable<ParsedManifest> {
  for (const field of ["config", "layers"]) {
    if (document[field] !== undefined) {
      throw manifestInvalid(field, "an index must not have this field (ambiguous document)");
    }
  }
  const entries = readOptionalArray(document.manifests, "manifests");
  if (entries === undefined) throw manifestInvalid("manifests", "required in an index (may be empty)");
  checkCount(entries.length + (hasSubject ? 1 : 0));
  const options = { platform: true };
  return {
    mediaType,
    isIndex: true,
    layers: none,
    manifests: entries.map((entry, i) => parseDescriptor(entry, `manifests[${i}]`, options)),
  };
}

function checkCount(count: number): void {
  if (count > maxDescriptors) {
    throw manifestInvalid("", `the manifest has ${count} descriptors; Wharf accepts at most ${maxDescriptors}`);
  }
}
