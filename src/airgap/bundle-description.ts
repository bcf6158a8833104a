/**
 * @module
 * `wharf-bundle.json`, the bundle's own description beside the OCI layout:
 * which application and release, which images (as their original
 * references, with digests), every blob with its size, and — for a delta —
 * the base it builds on and the blobs it relies on from there. Read back
 * with a strict schema, so a hand-edited or foreign file is refused with
 * the field that is wrong.
 */
import { z } from "zod";

/** The format marker of this version. */
export const bundleFormat = "wharf-bundle/v1";

const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "expected a sha256 digest");

const image = z.strictObject({
  /** The image as the release names it (`quay.io/acme/api:1.0`). */
  reference: z.string().min(1).max(512),
  /** The manifest (or index) the bundle holds for it. */
  digest,
  mediaType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  /** When platforms were filtered: the digest of the upstream index this one was cut from. */
  filteredFrom: digest.optional(),
  /** `chart` for a Helm chart (pushed like an image, left out of the kustomization); absent: an image. */
  kind: z.enum(["image", "chart"]).optional(),
  /** The referrers (signatures, SBOMs) kept with it, by digest. */
  referrers: z.array(digest).max(10_000).default([]),
});

/** The schema of `wharf-bundle.json`. */
export const bundleDescriptionSchema = z.strictObject({
  format: z.literal(bundleFormat),
  app: z.string().max(200).optional(),
  release: z.string().max(200).optional(),
  created: z.string().max(40),
  images: z.array(image).max(10_000),
  /** Every blob stored in the bundle: digest → size. Manifests are blobs too. */
  blobs: z.record(digest, z.number().int().nonnegative()),
  /** Set for a delta bundle. */
  deltaOf: z
    .strictObject({
      /** The base release, when it had one. */
      release: z.string().max(200).optional(),
      /** The base bundle's created time and image count, to name it in messages. */
      created: z.string().max(40),
      /** Blobs the images need that the base holds and this bundle does not. */
      blobs: z.array(digest).max(1_000_000),
    })
    .optional(),
});

/** A parsed `wharf-bundle.json`. */
export type BundleDescription = z.output<typeof bundleDescriptionSchema>;

/** One image entry. */
export type BundleImage = BundleDescription["images"][number];

/** The human name of a bundle in messages: `app release` or its creation time. */
export function bundleName(description: Pick<BundleDescription, "app" | "release" | "created">): string {
  if (description.release !== undefined)
    return `${description.app ?? "the application"} release ${description.release}`;
  return `the bundle created ${description.created}`;
}
