/**
 * @module
 * Namespace quotas: `GET /quotas` (every limit with its usage),
 * `GET|PUT|DELETE /quotas/{namespace}` — server administrators only.
 */
import { z } from "zod";
import { requireAdmin } from "../../accounts/management-access.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { parseByteSize } from "../../quota/byte-size.ts";
import type { Quotas } from "../../quota/create-quotas.ts";
import { type ApiRoute, route } from "./api-route.ts";

const namespacePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

const quotaBody = z.strictObject({
  size: z.union([z.number().int().min(0), z.string().max(40)]).transform((value, ctx) => {
    const bytes = typeof value === "number" ? value : parseByteSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", message: "expected a size such as 10GiB, 500MB or a number of bytes" });
      return z.NEVER;
    }
    return bytes;
  }),
  warn: z
    .union([z.number(), z.string().max(10), z.null()])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null) return value;
      const percent = typeof value === "number" ? value : Number(/^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value)?.[1]);
      if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
        ctx.addIssue({ code: "custom", message: "expected a warning threshold from 1% to 100%, such as 80%" });
        return z.NEVER;
      }
      return percent;
    })
    .meta({ description: 'Warning threshold in percent of the size (80 or "80%"); null: the default (80%)' }),
});

const quotaAnswer = z.object({
  namespace: z.string(),
  limit: z.number().nullable(),
  used: z.number(),
  warnPercent: z.number(),
  warnedAt: z.string().nullable(),
});

function checkedNamespace(text: string): string {
  if (!namespacePattern.test(text) || text.length > 255) {
    throw new WharfError(
      "INVALID_REQUEST",
      `invalid namespace ${JSON.stringify(text.slice(0, 100))}: a namespace is the first segment of repository names (lowercase letters, digits, '.', '_', '-')`,
    );
  }
  return text;
}

/** The quota routes. */
export function quotaRoutes(quotas: Quotas): ApiRoute[] {
  return [
    route("GET", "/quotas", {
      summary: "Every namespace quota with its usage in bytes (server admin)",
      response: z.object({ quotas: z.array(quotaAnswer) }),
      handle: async (i) => {
        requireAdmin(i.caller, "list quotas");
        return { quotas: await quotas.list() };
      },
    }),
    route("GET", "/quotas/{namespace}", {
      summary: "A namespace's quota (null: none) and usage: distinct blob bytes in its repositories (server admin)",
      response: quotaAnswer,
      handle: async (i) => {
        requireAdmin(i.caller, "read quotas");
        return quotas.show(checkedNamespace(i.params.namespace));
      },
    }),
    route("PUT", "/quotas/{namespace}", {
      summary:
        "Set a namespace's quota: size in bytes or as 10GiB / 500MB, and its warning threshold (warn, default 80%) (server admin)",
      body: quotaBody,
      response: quotaAnswer,
      handle: async (i) => {
        requireAdmin(i.caller, "set quotas");
        return quotas.set(checkedNamespace(i.params.namespace), i.body.size, i.body.warn);
      },
    }),
    route("DELETE", "/quotas/{namespace}", {
      summary: "Remove a namespace's quota (server admin)",
      status: 204,
      handle: async (i) => {
        requireAdmin(i.caller, "remove quotas");
        await quotas.remove(checkedNamespace(i.params.namespace));
      },
    }),
  ];
}
