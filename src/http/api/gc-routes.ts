/**
 * @module
 * `POST /api/v1/gc`: runs a garbage collection now, or a dry run, and
 * answers with its report (server administrators only).
 */
import { z } from "zod";
import { requireAdmin } from "../../accounts/management-access.ts";
import { duration } from "../../config/config-schema.ts";
import type { GarbageCollector } from "../../gc/create-garbage-collector.ts";
import { type ApiRoute, route } from "./api-route.ts";

const gcRequest = z.strictObject({
  dryRun: z.boolean().default(false),
  grace: duration.optional(),
});

const gcAnswer = z.object({
  dryRun: z.boolean(),
  graceMs: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  repositories: z.number(),
  tags: z.number(),
  manifests: z.number(),
  links: z.number(),
  blobs: z.number(),
  bytes: z.number(),
  resumed: z.number(),
  deletedBlobs: z.array(z.object({ digest: z.string(), size: z.number() })),
  deletedManifests: z.array(z.object({ repository: z.string(), digest: z.string() })),
  deletedTags: z.array(z.object({ repository: z.string(), tag: z.string(), reason: z.string() })),
});

/** The garbage collection route. */
export function gcRoutes(gc: GarbageCollector): ApiRoute[] {
  return [
    route("POST", "/gc", {
      summary:
        "Run garbage collection now (server admin); dryRun reports what and how many bytes would go, grace overrides gc.grace",
      body: gcRequest,
      response: gcAnswer,
      status: 200,
      handle: async (i) => {
        requireAdmin(i.caller, "run garbage collection");
        return gc.run({ dryRun: i.body.dryRun, graceMs: i.body.grace });
      },
    }),
  ];
}
