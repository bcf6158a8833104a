/**
 * @module
 * Content descriptors (image-spec descriptor.md) and the platform object of
 * index entries (image-index.md), read from a parsed manifest with every
 * error naming the field's path. Unknown descriptor fields are ignored, as
 * the spec requires; only the fields Wharf acts on are copied out.
 */
import { tryParseDigest } from "../digest/digest.ts";
import {
  describeValue,
  manifestInvalid,
  readAnnotations,
  readObject,
  readOptionalString,
  readOptionalStringArray,
} from "./field-readers.ts";
import { isMediaTypeShape } from "./media-types.ts";

/** The platform an index entry runs on. `architecture` and `os` are required when present. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly "os.version"?: string;
  readonly "os.features"?: readonly string[];
  readonly variant?: string;
  readonly features?: readonly string[];
}

/** A validated descriptor: digest is sha256 or sha512, size a non-negative safe integer. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
}

/** How {@link parseDescriptor} treats fields whose meaning depends on where the descriptor sits. */
export interface DescriptorOptions {
  /** Read and validate `platform` (index entries only; elsewhere it is an unknown field, ignored). */
  readonly platform?: boolean;
}

/**
 * Validates the descriptor at `path` and returns a copy of its known fields.
 * `mediaType` must be a `type/subtype` (parameters after `;` are tolerated,
 * as some artifact tools write them); `urls` is kept because layers that
 * carry URLs may live outside the registry. Throws MANIFEST_INVALID naming
 * the first bad field, e.g. "layers[2].digest: ...".
 */
export function parseDescriptor(value: unknown, path: string, options: DescriptorOptions = {}): Descriptor {
  const object = readObject(value, path);
  const descriptor: {
    -readonly [K in keyof Descriptor]: Descriptor[K];
  } = {
    mediaType: readDescriptorMediaType(object.mediaType, `${path}.mediaType`),
    digest: readDigest(object.digest, `${path}.digest`),
    size: readSize(object.size, `${path}.size`),
  };
  const urls = readOptionalStringArray(object.urls, `${path}.urls`);
  if (urls !== undefined) descriptor.urls = urls;
  const artifactType = readArtifactType(object.artifactType, `${path}.artifactType`);
  if (artifactType !== undefined) descriptor.artifactType = artifactType;
  const annotations = readAnnotations(object.annotations, `${path}.annotations`);
  if (annotations !== undefined) descriptor.annotations = annotations;
  if (options.platform === true && object.platform !== undefined) {
    descriptor.platform = parsePlatform(object.platform, `${path}.platform`);
  }
  return descriptor;
}

/**
 * An `artifactType` (top-level or on a descriptor), or undefined when absent.
 * It must have the RFC 6838 `type/subtype` shape, without parameters.
 */
export function readArtifactType(value: unknown, path: string): string | undefined {
  const text = readOptionalString(value, path);
  if (text !== undefined && !isMediaTypeShape(text)) {
    throw manifestInvalid(path, `${describeValue(text)} is not a media type of the form type/subtype`);
  }
  return text;
}

function readDescriptorMediaType(value: unknown, path: string): string {
  if (value === undefined) throw manifestInvalid(path, "required");
  const text = readOptionalString(value, path)!;
  const semicolon = text.indexOf(";");
  const essence = semicolon < 0 ? text : text.slice(0, semicolon).trimEnd();
  if (!isMediaTypeShape(essence) || /[\x00-\x1f\x7f]/.test(text)) {
    throw manifestInvalid(path, `${describeValue(text)} is not a media type of the form type/subtype`);
  }
  return text;
}

function readDigest(value: unknown, path: string): string {
  if (value === undefined) throw manifestInvalid(path, "required");
  const text = readOptionalString(value, path)!;
  if (tryParseDigest(text) === undefined) {
    throw manifestInvalid(
      path,
      `${describeValue(text)} is not a valid digest; expected sha256:<64 hex> or sha512:<128 hex>, lower case`,
    );
  }
  return text;
}

function readSize(value: unknown, path: string): number {
  if (value === undefined) throw manifestInvalid(path, "required");
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw manifestInvalid(path, `must be a non-negative integer of at most 2^53-1 bytes, got ${describeValue(value)}`);
  }
  return value;
}

function parsePlatform(value: unknown, path: string): Platform {
  const object = readObject(value, path);
  const platform: { -readonly [K in keyof Platform]: Platform[K] } = {
    architecture: readRequiredString(object.architecture, `${path}.architecture`),
    os: readRequiredString(object.os, `${path}.os`),
  };
  const osVersion = readOptionalString(object["os.version"], `${path}["os.version"]`);
  if (osVersion !== undefined) platform["os.version"] = osVersion;
  const osFeatures = readOptionalStringArray(object["os.features"], `${path}["os.features"]`);
  if (osFeatures !== undefined) platform["os.features"] = osFeatures;
  const variant = readOptionalString(object.variant, `${path}.variant`);
  if (variant !== undefined) platform.variant = variant;
  const features = readOptionalStringArray(object.features, `${path}.features`);
  if (features !== undefined) platform.features = features;
  return platform;
}

function readRequiredString(value: unknown, path: string): string {
  if (value === undefined) throw manifestInvalid(path, "required");
  return readOptionalString(value, path)!;
}
