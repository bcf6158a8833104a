/**
 * @module
 * Manifests, tags and referrers. A manifest is accepted only when its bytes
 * parse as a supported media type and every blob and child manifest it needs
 * is already in the repository; its digest is computed here, never trusted
 * from the client. A tag is a pointer: deleting it keeps the manifest.
 */
import { type Digest, digestOf, parseDigest } from "../digest/digest.ts";
import type {
  BlobLinks,
  ManifestIndex,
  ReferrerRow,
  RepositoryCatalog,
  StoredManifest,
} from "../metadata/registry-metadata.ts";
import { requiredReferences } from "../oci/descriptor-references.ts";
import { parseManifest } from "../oci/parse-manifest.ts";
import { isValidTag } from "../reference/grammar.ts";
import { describeRule, type ImmutableTagRule, type ImmutableTags } from "./immutable-tags.ts";
import { RepositoryError } from "./repository-error.ts";

/** A manifest reference from a URL: a tag or a digest. */
export type ManifestReference = { readonly tag: string } | { readonly digest: Digest };

/** Parses the `<reference>` path segment: a digest when it has a ':', else a tag. */
export function parseManifestReference(text: string): ManifestReference {
  if (text.includes(":")) return { digest: parseDigest(text, "manifest digest") };
  if (!isValidTag(text)) {
    throw new RepositoryError(
      "tag-invalid",
      `invalid tag ${JSON.stringify(text.slice(0, 150))}: use 1-128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'`,
    );
  }
  return { tag: text };
}

function referenceText(reference: ManifestReference): string {
  return "tag" in reference ? reference.tag : reference.digest.value;
}

/** The outcome of a manifest PUT. */
export interface PushedManifest {
  readonly digest: string;
  readonly subject: string | undefined;
}

/** What happened to a manifest (for webhooks): pushed (with its tag, if any) or deleted. */
export interface ManifestEvent {
  readonly event: "push" | "delete";
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The manifest service. */
export type ManifestService = ReturnType<typeof createManifestService>;

/** Creates the manifest service over the metadata port. */
export function createManifestService(
  metadata: ManifestIndex & BlobLinks & RepositoryCatalog,
  immutable: ImmutableTags = () => undefined,
  onEvent: (event: ManifestEvent) => void = () => undefined,
) {
  function immutableTag(repository: string, tag: string, rule: ImmutableTagRule, what: string): RepositoryError {
    return new RepositoryError(
      "tag-immutable",
      `tag ${tag} of ${repository} is immutable (${describeRule(rule)}): ${what}; push under a new tag`,
      { tag, rule: rule.repositories, patterns: rule.tags },
    );
  }

  /** Refuses to move or delete an immutable tag (see immutable-tags.ts). */
  async function ensureMutable(repository: string, tag: string, digest: string | undefined): Promise<void> {
    const rule = await immutable(repository, tag);
    if (!rule) return;
    const current = await metadata.getManifest(repository, tag);
    if (!current || current.digest === digest) return;
    throw immutableTag(
      repository,
      tag,
      rule,
      digest === undefined ? "it cannot be deleted" : `it points at ${current.digest} and cannot be moved`,
    );
  }

  async function ensureReferencesExist(repository: string, blobs: readonly string[], manifests: readonly string[]) {
    const missingBlobs = blobs.length > 0 ? await metadata.missingBlobs(repository, blobs) : [];
    const missingManifests = manifests.length > 0 ? await metadata.missingManifests(repository, manifests) : [];
    const missing = [...missingBlobs, ...missingManifests];
    if (missing.length === 0) return;
    const kind = missingBlobs.length > 0 ? "blob" : "manifest";
    throw new RepositoryError(
      "manifest-blob-unknown",
      `manifest references ${kind} ${missing[0]} which is not in repository ${repository}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ""}; push it first`,
      { digests: missing.slice(0, 20) },
    );
  }

  return {
    /** Validates and stores a manifest; tags it when `reference` is a tag. */
    async put(
      repository: string,
      reference: ManifestReference,
      body: Uint8Array,
      contentType: string | undefined,
    ): Promise<PushedManifest> {
      const parsed = parseManifest(body, contentType);
      const algorithm = "digest" in reference ? reference.digest.algorithm : "sha256";
      const digest = digestOf(body, algorithm);
      if ("digest" in reference && reference.digest.value !== digest) {
        throw new RepositoryError(
          "digest-invalid",
          `the manifest's content has digest ${digest}, not ${reference.digest.value}`,
          { expected: reference.digest.value, actual: digest },
        );
      }
      const required = requiredReferences(parsed);
      if ("tag" in reference) await ensureMutable(repository, reference.tag, digest);
      await ensureReferencesExist(repository, required.blobs, required.manifests);
      const missing = await metadata.putManifest(
        repository,
        {
          digest,
          mediaType: parsed.mediaType,
          size: body.length,
          content: body,
          artifactType: parsed.artifactType ?? (parsed.subject ? parsed.config?.mediaType : undefined),
          subjectDigest: parsed.subject?.digest,
          annotations: parsed.annotations,
        },
        "tag" in reference ? reference.tag : undefined,
        required,
      );
      // Checked again inside the transaction: the garbage collector may have removed a reference since.
      if (missing.length > 0) {
        const blobs = new Set(required.blobs);
        await ensureReferencesExist(
          repository,
          missing.filter((d) => blobs.has(d)),
          missing.filter((d) => !blobs.has(d)),
        );
      }
      onEvent({ event: "push", repository, digest, ...("tag" in reference && { tag: reference.tag }) });
      return { digest, subject: parsed.subject?.digest };
    },

    /** A stored manifest; `manifest-unknown` when there is none. */
    async get(repository: string, reference: ManifestReference): Promise<StoredManifest> {
      const manifest = await metadata.getManifest(repository, referenceText(reference));
      if (!manifest) {
        throw new RepositoryError(
          "manifest-unknown",
          `manifest ${referenceText(reference)} is not in repository ${repository}`,
        );
      }
      return manifest;
    },

    /** Deletes a manifest by digest (with its tags) or one tag; `manifest-unknown` when absent. */
    async delete(repository: string, reference: ManifestReference): Promise<void> {
      if ("tag" in reference) await ensureMutable(repository, reference.tag, undefined);
      const deleted =
        "tag" in reference
          ? await metadata.deleteTag(repository, reference.tag)
          : await metadata.deleteManifest(repository, reference.digest.value);
      if (!deleted) {
        throw new RepositoryError(
          "manifest-unknown",
          `manifest ${referenceText(reference)} is not in repository ${repository}`,
        );
      }
      onEvent({
        event: "delete",
        repository,
        ...("tag" in reference ? { tag: reference.tag } : { digest: reference.digest.value }),
      });
    },

    /** One page of tags; `name-unknown` when the repository does not exist. */
    async tags(repository: string, last: string | undefined, limit: number): Promise<string[]> {
      if (!(await metadata.repositoryExists(repository))) {
        throw new RepositoryError("name-unknown", `repository ${repository} is not known to this registry`);
      }
      return metadata.listTags(repository, last, limit);
    },

    /** Referrers of `subject` in `repository` (empty when none or the subject is unknown). */
    referrers(repository: string, subject: Digest, artifactType: string | undefined): Promise<ReferrerRow[]> {
      return metadata.listReferrers(repository, subject.value, artifactType);
    },
  };
}
