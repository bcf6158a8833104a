/**
 * @module
 * Custom license fields and the license-signing key in the database
 * (migration 0012): field definitions per application, values per license,
 * and the one Ed25519 key, created by whichever node needs it first.
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
    /** The license-signing key (oldest first wins), or undefined. */
    async signingKey(): Promise<{ kid: string; privateJwk: string } | undefined> {
      const row = await db
        .selectFrom("license_signing_keys")
        .selectAll()
        .orderBy("created_at")
        .orderBy("kid")
        .limit(1)
        .executeTakeFirst();
      return row && { kid: row.kid, privateJwk: row.private_jwk };
    },
    /** Stores a new key unless one exists (the caller re-reads `signingKey` afterwards). */
    async addSigningKey(kid: string, privateJwk: string, createdAt: number): Promise<void> {
      await db
        .insertInto("license_signing_keys")
        .values({ kid, private_jwk: privateJwk, created_at: createdAt })
        .onConflict((c) => c.column("kid").doNothing())
        .execute();
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
