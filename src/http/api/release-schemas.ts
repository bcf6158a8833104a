/**
 * @module
 * The shapes of the release routes as zod schemas: the new-release body
 * (validated, then documented in OpenAPI) and the answers (documented
 * only). They bound sizes and types; the releases service decides the rules
 * and names the broken one.
 */
import { z } from "zod";

const text = (max: number, what: string) => z.string().min(1).max(max).meta({ description: what });

const image = z.strictObject({
  name: text(255, "repository path inside its source, e.g. acme/api"),
  source: text(255, "public, the application's slug, or an external registry's short name"),
  tag: text(128, "a tag, resolved to a digest when the release is created").optional(),
  digest: text(200, "a manifest digest").optional(),
});
const storedImage = z.object({
  name: z.string(),
  source: z.string(),
  tag: z.string().optional(),
  digest: z.string(),
});
const release = z.object({
  app: z.string(),
  version: z.string(),
  channels: z.array(z.string()),
  images: z.array(storedImage),
  createdAt: z.string(),
});

/** Request bodies. */
export const releaseSchemas = {
  newRelease: z.strictObject({
    version: text(128, "the version, e.g. 1.4.0; unique in the application"),
    channels: z.array(text(63, "a channel name, e.g. stable")).max(20).optional(),
    images: z.array(image).min(1).max(200).meta({ description: "the images: list of seed 001" }),
  }),
  blobsQuery: z.strictObject({
    platform: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: "only these platforms, e.g. linux/amd64,linux/arm64" }),
  }),
};

/** Answers, for the OpenAPI document. */
export const releaseAnswers = {
  release,
  releases: z.object({ releases: z.array(release) }),
  blobs: z.object({ app: z.string(), version: z.string(), createdAt: z.string(), blobs: z.array(z.string()) }),
};
