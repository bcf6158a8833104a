/**
 * @module
 * The signing-key store over Kysely (SQLite and PostgreSQL).
 */
import type { Kysely } from "kysely";
import type { Database } from "./database-schema.ts";
import type { SigningKeyStore } from "./signing-key-store.ts";
import { lockKeys } from "./sql-dialect.ts";

/** A signing-key store over `db`. */
export function createSigningKeyStore(db: Kysely<Database>) {
  return {
    async list() {
      const rows = await db.selectFrom("token_signing_keys").selectAll().orderBy("created_at").orderBy("kid").execute();
      return rows.map((r) => ({ kid: r.kid, createdAt: Number(r.created_at), privateJwk: r.private_jwk }));
    },
    async add(key, keep) {
      await db.transaction().execute(async (trx) => {
        // Adds from several nodes one at a time, so none trims a key another just added.
        await lockKeys(trx, ["token_signing_keys"]);
        await trx
          .insertInto("token_signing_keys")
          .values({ kid: key.kid, created_at: key.createdAt, private_jwk: key.privateJwk })
          .onConflict((c) => c.column("kid").doNothing())
          .execute();
        const kept = await trx
          .selectFrom("token_signing_keys")
          .select("kid")
          .orderBy("created_at", "desc")
          .orderBy("kid", "desc")
          .limit(keep)
          .execute();
        await trx
          .deleteFrom("token_signing_keys")
          .where(
            "kid",
            "not in",
            kept.map((r) => r.kid),
          )
          .execute();
      });
    },
    async replace(kid, expected, next) {
      const result = await db
        .updateTable("token_signing_keys")
        .set({ private_jwk: next })
        .where("kid", "=", kid)
        .where("private_jwk", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  } satisfies SigningKeyStore;
}
