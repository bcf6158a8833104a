/**
 * @module
 * Custom license fields and the license-signing key in the database
 * (migration 0012): field definitions per application, values per license,
 * and the Ed25519 license-signing keys (sealed under the master key; the
 * newest signs, every one keeps verifying).
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";

/** A field definition as stored; `choices` only for enums. */
export interface LicenseFieldRow {
  readonly name: string;
  readonly type: string;
  readonly choices: readonly string[] | null;
  readonly createdAt: number;
}

/** The store of {@link createLicenseFieldsStore}. */
export type LicenseFieldsStore = ReturnType<typeof createLicenseFieldsStore>;

/** Creates the store over `db`. */
export function createLicenseFieldsStore(db: Kysely<Database>) {
  return {
    /** The application's fields, by name. */
    async listFields(app: string): Promise<LicenseFieldRow[]> {
      const rows = await db
        .selectFrom("license_field_definitions")
        .selectAll()
        .where("app_slug", "=", app)
        .orderBy("name")
        .execute();
      return rows.map((r) => ({
        name: r.name,
        type: r.type,
        choices: r.choices === null ? null : (JSON.parse(r.choices) as string[]),
        createdAt: Number(r.created_at),
      }));
    },
    /** Adds a field; false when the application already has one of that name. */
    async addField(app: string, field: LicenseFieldRow): Promise<boolean> {
      const result = await db
        .insertInto("license_field_definitions")
        .values({
          app_slug: app,
          name: field.name,
          type: field.type,
          choices: field.choices === null ? null : JSON.stringify(field.choices),
          created_at: field.createdAt,
        })
        .onConflict((c) => c.columns(["app_slug", "name"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** License `licenseId`'s values by field name (canonical text). */
    async values(licenseId: number): Promise<Record<string, string>> {
      const rows = await db
        .selectFrom("license_field_values")
        .select(["name", "value"])
        .where("license_id", "=", licenseId)
        .orderBy("name")
        .execute();
      return Object.fromEntries(rows.map((r) => [r.name, r.value]));
    },
    /** Sets (replaces) the given values of license `licenseId`. */
    async setValues(licenseId: number, values: Readonly<Record<string, string>>): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const [name, value] of Object.entries(values)) {
          await trx
            .insertInto("license_field_values")
            .values({ license_id: licenseId, name, value })
            .onConflict((c) => c.columns(["license_id", "name"]).doUpdateSet({ value }))
            .execute();
        }
      });
    },
    /** Sets value `name` of license `licenseId` to `next` only while it is still `expected` (false otherwise). */
    async replaceValue(licenseId: number, name: string, expected: string, next: string): Promise<boolean> {
      const result = await db
        .updateTable("license_field_values")
        .set({ value: next })
        .where("license_id", "=", licenseId)
        .where("name", "=", name)
        .where("value", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /**
     * Values of secret-typed fields after (`licenseId`, `name`), in that
     * order, `limit` at most (`onlyPlain`: only those still marked `plain:`):
     * what a seal pass or a master-key rotation walks.
     */
    async secretValues(
      after: { licenseId: number; name: string },
      limit: number,
      onlyPlain = false,
    ): Promise<{ licenseId: number; name: string; value: string }[]> {
      let query = db
        .selectFrom("license_field_values as v")
        .innerJoin("licenses as l", "l.id", "v.license_id")
        .innerJoin("customers as c", "c.id", "l.customer_id")
        .innerJoin("license_field_definitions as d", (j) =>
          j.onRef("d.app_slug", "=", "c.app_slug").onRef("d.name", "=", "v.name"),
        )
        .select(["v.license_id", "v.name", "v.value"])
        .where("d.type", "=", "secret")
        .where((eb) =>
          eb.or([
            eb("v.license_id", ">", after.licenseId),
            eb.and([eb("v.license_id", "=", after.licenseId), eb("v.name", ">", after.name)]),
          ]),
        )
        .orderBy("v.license_id")
        .orderBy("v.name")
        .limit(limit);
      if (onlyPlain) query = query.where("v.value", "like", "plain:%");
      const rows = await query.execute();
      return rows.map((r) => ({ licenseId: Number(r.license_id), name: r.name, value: r.value }));
    },
    /** Licenses whose id is kept sealed, after row `afterId` by id, `limit` at most (for master-key rotation). */
    async sealedIds(afterId: number, limit: number): Promise<{ id: number; publicId: string; sealedId: string }[]> {
      const rows = await db
        .selectFrom("licenses")
        .select(["id", "public_id", "sealed_id"])
        .where("id", ">", afterId)
        .where("sealed_id", "is not", null)
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: Number(r.id), publicId: r.public_id, sealedId: r.sealed_id! }));
    },
    /** Replaces license `id`'s sealed id only while it is still `expected` (false otherwise). */
    async replaceSealedId(id: number, expected: string, next: string): Promise<boolean> {
      const result = await db
        .updateTable("licenses")
        .set({ sealed_id: next })
        .where("id", "=", id)
        .where("sealed_id", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Every license-signing key, oldest first (by creation time, then id); the newest signs. */
    async signingKeys(): Promise<{ kid: string; privateJwk: string; createdAt: number }[]> {
      const rows = await db
        .selectFrom("license_signing_keys")
        .selectAll()
        .orderBy("created_at")
        .orderBy("kid")
        .execute();
      return rows.map((r) => ({ kid: r.kid, privateJwk: r.private_jwk, createdAt: Number(r.created_at) }));
    },
    /** Stores a new key (its private JWK as stored: sealed); a kid already present is left alone. */
    async addSigningKey(kid: string, privateJwk: string, createdAt: number): Promise<void> {
      await db
        .insertInto("license_signing_keys")
        .values({ kid, private_jwk: privateJwk, created_at: createdAt })
        .onConflict((c) => c.column("kid").doNothing())
        .execute();
    },
    /** Replaces key `kid`'s stored private JWK only while it is still `expected` (false otherwise). */
    async replaceSigningKey(kid: string, expected: string, next: string): Promise<boolean> {
      const result = await db
        .updateTable("license_signing_keys")
        .set({ private_jwk: next })
        .where("kid", "=", kid)
        .where("private_jwk", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** A chart tag promoted to a channel. */
export interface ChartChannelTagRow {
  readonly repository: string;
  readonly channel: string;
  readonly tag: string;
  readonly promotedAt: number;
}

/** Chart promotions to channels (table `chart_channel_tags`). */
export function createChartChannelStore(db: Kysely<Database>) {
  return {
    /** Promotions in the application's repositories (`<app>/…`), by repository, channel, tag. */
    async list(app: string): Promise<ChartChannelTagRow[]> {
      const rows = await db
        .selectFrom("chart_channel_tags")
        .selectAll()
        // `<app>/` up to, not including, `<app>0` ('0' follows '/'): the application's names.
        .where("repository", ">=", `${app}/`)
        .where("repository", "<", `${app}0`)
        .orderBy("repository")
        .orderBy("channel")
        .orderBy("tag")
        .execute();
      return rows.map((r) => ({
        repository: r.repository,
        channel: r.channel,
        tag: r.tag,
        promotedAt: Number(r.promoted_at),
      }));
    },
    /** Every promotion of one repository. */
    async ofRepository(repository: string): Promise<{ channel: string; tag: string }[]> {
      return db
        .selectFrom("chart_channel_tags")
        .select(["channel", "tag"])
        .where("repository", "=", repository)
        .execute();
    },
    async promote(row: ChartChannelTagRow): Promise<void> {
      await db
        .insertInto("chart_channel_tags")
        .values({ repository: row.repository, channel: row.channel, tag: row.tag, promoted_at: row.promotedAt })
        .onConflict((c) => c.columns(["repository", "channel", "tag"]).doNothing())
        .execute();
    },
    /** Removes a promotion; false when there was none. */
    async demote(repository: string, channel: string, tag: string): Promise<boolean> {
      const result = await db
        .deleteFrom("chart_channel_tags")
        .where("repository", "=", repository)
        .where("channel", "=", channel)
        .where("tag", "=", tag)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
