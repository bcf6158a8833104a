/**
 * @module
 * The shapes the management API accepts, as zod schemas: they validate every
 * request and are turned into the OpenAPI document. They bound sizes and
 * types; the naming rules themselves (lower-case, 1-63, reserved names) are
 * the services', which explain a refusal better than a pattern can.
 */
import { z } from "zod";
import { isValidRepositoryName } from "../../reference/grammar.ts";

const name = (what: string) => z.string().min(1).max(256).meta({ description: what });
const role = z
  .enum(["read", "write", "admin"])
  .meta({ description: "read pulls; write also pushes; admin also deletes and manages" });
const scopes = z
  .array(z.string().min(1).max(300))
  .min(1)
  .max(50)
  .meta({ description: "`<repository|namespace/*|*>:<pull,push,delete>`; for tokens also `api` (may use this API)" });
const flag = (what: string) => z.enum(["true", "false"]).optional().meta({ description: what });
const oneGrantee = (v: { team?: string; user?: string }) => (v.team === undefined) !== (v.user === undefined);
const granteeMessage = { message: "name exactly one of team or user" };

/** Path parameters by name; every `{param}` in the route table has an entry here. */
export const paramSchemas: Readonly<Record<string, z.ZodType<string>>> = {
  org: name("organization name"),
  user: name("user name"),
  team: name("team name"),
  robot: name("robot name (without the `<org>+` prefix)"),
  token: name("token name"),
  namespace: name("namespace: a user, organization or application name"),
  secret: name("pull secret name"),
  service: name("service name"),
  external: name("external registry short name"),
  app: name("application slug"),
  customer: name("customer name"),
  license: name("public handle of a license (lic_…)"),
  version: name("release version, e.g. 1.4.0"),
  slug: name("application slug"),
  webhook: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "a webhook id is a number (see wharf webhook list <org>)")
    .meta({ description: "webhook id" }),
  delivery: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, "a delivery id is a UUID (see wharf webhook deliveries <id>)")
    .meta({ description: "webhook delivery id" }),
  name: z
    .string()
    .max(255)
    .refine(isValidRepositoryName, { message: "not a valid repository name" })
    .meta({ description: "repository name, e.g. myapp/worker (may contain '/')" }),
};

/** Request bodies and queries. */
export const schemas = {
  newUser: z.strictObject({
    name: name("user name: lower-case letters, digits and '-', 1-63 characters"),
    password: z.string().min(1).max(1024).meta({ description: "at least 8 characters" }),
    email: z.email().max(254).optional(),
    admin: z.boolean().optional().meta({ description: "make the user a server administrator" }),
  }),
  passwordChange: z.strictObject({
    current: z.string().min(1).max(1024).meta({ description: "the caller's current password" }),
    password: z.string().min(1).max(1024).meta({ description: "the new password: at least 8 characters" }),
  }),
  passwordReset: z.strictObject({
    password: z.string().min(1).max(1024).meta({ description: "the new password: at least 8 characters" }),
  }),
  newOrganization: z.strictObject({ name: name("organization name: lower-case letters, digits and '-', 1-63") }),
  member: z.strictObject({
    owner: z.boolean().optional().meta({ description: "make (true) or unmake (false) an owner; absent keeps it" }),
  }),
  newTeam: z.strictObject({ name: name("team name"), role }),
  teamChange: z.strictObject({ role }),
  newApplication: z.strictObject({ slug: name("application slug: lower-case letters, digits and '-', 1-63") }),
  newRobot: z.strictObject({ name: name("robot name"), scopes }),
  visibility: z.strictObject({ visibility: z.enum(["public", "private"]) }),
  grant: z
    .strictObject({ team: name("team").optional(), user: name("user").optional(), role })
    .refine(oneGrantee, granteeMessage),
  grantee: z
    .strictObject({ team: name("team").optional(), user: name("user").optional() })
    .refine(oneGrantee, granteeMessage),
  newToken: z.strictObject({
    name: name("token name: letters, digits, '.', '_', '-'"),
    scopes,
    expires: z.string().max(20).optional().meta({ description: "lifetime such as 30d, 12h; none when absent" }),
  }),
  auditQuery: z.strictObject({
    since: z
      .string()
      .max(40)
      .optional()
      .meta({ description: "ISO time or a duration back from now (24h); default 24h" }),
    actor: z.string().max(256).optional(),
    action: z.string().min(1).max(128).optional().meta({ description: "only this action (exact), e.g. robot.create" }),
    target: z.string().min(1).max(1024).optional().meta({ description: "only this target (exact)" }),
    targetPrefix: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .meta({ description: "only targets starting with this text (case-sensitive), e.g. repository:acme/" }),
    limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "page size, 1-1000; default 100" }),
    cursor: z
      .string()
      .max(40)
      .optional()
      .meta({ description: "the `next` of the previous page, as is; the newest events when absent" }),
  }),
  deleteQuery: z.strictObject({
    force: flag("also delete the repositories it holds (refused without when there are any)"),
    dryRun: flag("check the rules and answer what would be deleted, delete nothing"),
  }),
  repositoryQuery: z.strictObject({
    namespace: name("only repositories of this namespace").optional(),
  }),
  login: z.strictObject({
    expires: z
      .string()
      .max(20)
      .optional()
      .meta({ description: "the session token's lifetime such as 30d or 12h; default 30d, at most 1825d" }),
  }),
};
