/**
 * @module
 * Immutable tag rules stored per namespace or repository:
 * `GET /immutable-tags[?target=]`, `PUT /immutable-tags` (`{target, pattern}`),
 * `DELETE /immutable-tags?target=&pattern=` — server administrators only.
 * The configuration's `immutableTags` are not listed here (they are in the
 * server's configuration file).
 */
import { z } from "zod";
import { requireAdmin } from "../../accounts/management-access.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { isValidRepositoryName } from "../../reference/grammar.ts";
import type { ImmutableTagRules } from "../../registry/immutable-tag-rules.ts";
import { type ApiRoute, route } from "./api-route.ts";

const target = z
  .string()
  .max(255)
  .refine(isValidRepositoryName, { message: "expected a namespace (shop) or a repository (shop/api)" })
  .meta({ description: "A namespace (every repository of it) or one repository" });

const pattern = z
  .string()
  .regex(/^[A-Za-z0-9_.*-]{1,128}$/, "expected a tag pattern: tag characters and '*' (v*, release-*, stable)")
  .meta({ description: "A tag glob: '*' matches any run of characters" });

const rule = z.strictObject({ target, pattern });
const ruleAnswer = z.object({ target: z.string(), pattern: z.string(), createdAt: z.string() });

/** The immutable tag rule routes. */
export function immutableTagRoutes(rules: ImmutableTagRules): ApiRoute[] {
  return [
    route("GET", "/immutable-tags", {
      summary: "Stored immutable tag rules, of one namespace or repository or all (server admin)",
      query: z.strictObject({ target: target.optional() }),
      response: z.object({ rules: z.array(ruleAnswer) }),
      handle: async (i) => {
        requireAdmin(i.caller, "read immutable tag rules");
        const rows = await rules.list(i.query.target);
        return { rules: rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })) };
      },
    }),
    route("PUT", "/immutable-tags", {
      summary: "Make tags matching a pattern immutable in a namespace or repository (server admin)",
      body: rule,
      response: z.object({ target: z.string(), pattern: z.string(), added: z.boolean() }),
      handle: async (i) => {
        requireAdmin(i.caller, "set immutable tag rules");
        return rules.add(i.body.target, i.body.pattern);
      },
    }),
    route("DELETE", "/immutable-tags", {
      summary: "Remove a stored immutable tag rule (server admin)",
      query: rule,
      status: 204,
      handle: async (i) => {
        requireAdmin(i.caller, "remove immutable tag rules");
        if (!(await rules.remove(i.query.target, i.query.pattern))) {
          throw new WharfError("NOT_FOUND", `${i.query.target} has no immutable tag rule ${i.query.pattern}`);
        }
      },
    }),
  ];
}
