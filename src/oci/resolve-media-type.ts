/**
 * @module
 * Decides which manifest format a pushed document is, from the body's
 * `mediaType` field and the request's Content-Type header. The two must
 * agree when both are given: a document that one reader would take for an
 * index and another for an image is the ambiguity behind CVE-2021-41190, so
 * Wharf never guesses past a disagreement.
 */
import { type JsonObject, manifestInvalid } from "./field-readers.ts";
import {
  acceptedManifestMediaTypes,
  isManifestMediaType,
  isSchema1MediaType,
  type ManifestMediaType,
  mediaTypes,
} from "./media-types.ts";

const schema1Message =
  "Docker schema 1 manifests are not supported; push with a current client " +
  "(docker ≥ 1.10, skopeo, podman) or convert with `skopeo copy --format v2s2`";

const acceptedList = [...acceptedManifestMediaTypes].join(", ");

/**
 * The manifest media type of `document`. The body's `mediaType` wins when the
 * header is absent; the header (parameters such as `; charset=utf-8` dropped,
 * compared case-insensitively) wins when the body has none; with neither, an
 * OCI image manifest is inferred from `config`/`layers` and an OCI index
 * from `manifests`. A header of plain `application/json` counts as absent, as
 * in the reference registry. Throws MANIFEST_INVALID for Docker schema 1
 * (by media type or `schemaVersion: 1`), a body/header disagreement, an
 * unknown type, or a document whose type cannot be told.
 */
export function resolveManifestMediaType(document: JsonObject, contentType: string | undefined): ManifestMediaType {
  const header = contentTypeEssence(contentType);
  const body = document.mediaType;
  if (body !== undefined && typeof body !== "string") {
    throw manifestInvalid("mediaType", `must be a string, got ${typeof body}`);
  }
  const schema1 =
    document.schemaVersion === 1 ||
    (body !== undefined && isSchema1MediaType(body)) ||
    (header !== undefined && isSchema1MediaType(header));
  if (schema1) throw manifestInvalid("", schema1Message);
  if (body !== undefined && header !== undefined && body !== header) {
    throw manifestInvalid(
      "mediaType",
      `the body says ${JSON.stringify(body)} but the Content-Type header says ` +
        `${JSON.stringify(header)}; they must be the same`,
    );
  }
  if (body !== undefined) return checkAccepted(body, "mediaType");
  if (header !== undefined) return checkAccepted(header, "Content-Type");
  return inferMediaType(document);
}

/** The `type/subtype` of a Content-Type header in lower case, or undefined when it says nothing. */
function contentTypeEssence(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(";");
  const essence = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (essence === "" || essence === "application/json") return undefined;
  return essence;
}

function checkAccepted(mediaType: string, source: string): ManifestMediaType {
  if (isManifestMediaType(mediaType)) return mediaType;
  const shown = JSON.stringify(mediaType.slice(0, 150));
  const hint =
    mediaType === "application/vnd.oci.artifact.manifest.v1+json"
      ? "; the OCI artifact manifest was dropped before image-spec 1.1, push an image manifest with artifactType instead"
      : "";
  throw manifestInvalid(source, `unsupported manifest media type ${shown}; Wharf accepts ${acceptedList}${hint}`);
}

function inferMediaType(document: JsonObject): ManifestMediaType {
  const imageFields = document.config !== undefined || document.layers !== undefined;
  const indexFields = document.manifests !== undefined;
  if (imageFields && indexFields) {
    throw manifestInvalid(
      "",
      "cannot tell whether the manifest is an image manifest or an index: it has both " +
        "config/layers and manifests; set the mediaType field",
    );
  }
  if (imageFields) return mediaTypes.ociManifest;
  if (indexFields) return mediaTypes.ociIndex;
  throw manifestInvalid(
    "",
    "cannot tell the manifest type: no mediaType field, no Content-Type header, and neither " +
      `config/layers nor manifests; set mediaType to one of ${acceptedList}`,
  );
}
