/**
 * @module
 * Namespaces, repository visibility, repository grants, API tokens, robots,
 * the audit log and login-failure counters over Kysely.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { Role } from "../accounts/roles.ts";
import type {
  AuditStore,
  LoginLimitStore,
  NamespaceRow,
  NamespaceStore,
  RobotRow,
  RobotStore,
  TokenRow,
  TokenStore,
} from "./accounts-metadata.ts";
import type { ApiTokensTable, Database, NamespacesTable } from "./database-schema.ts";
import { lockKeys } from "./sql-dialect.ts";

/** The access roles: namespaces and grants, tokens, robots, audit, login limits. */
type AccessStore = NamespaceStore & TokenStore & RobotStore & AuditStore & LoginLimitStore;

function toNamespace(row: Selectable<NamespacesTable>): NamespaceRow {
  return {
    name: row.name,
    kind: row.kind,
    userId: row.user_id === null ? null : Number(row.user_id),
    orgId: row.org_id === null ? null : Number(row.org_id),
    public: Number(row.public) === 1,
  };
}

function toToken(row: Selectable<ApiTokensTable>): TokenRow {
  const optional = (n: number | null) => (n === null ? null : Number(n));
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    expiresAt: optional(row.expires_at),
    revokedAt: optional(row.revoked_at),
    createdAt: Number(row.created_at),
    lastUsedAt: optional(row.last_used_at),
  };
}

/** Creates the access half of the accounts store. */
export function createAccessStore(db: Kysely<Database>): AccessStore {
  const robotQuery = () =>
    db
      .selectFrom("robots as r")
      .innerJoin("organizations as o", "o.id", "r.org_id")
      .select(["r.id", "r.org_id", "o.name as org_name", "r.name", "r.scopes", "r.revoked_at", "r.created_at"]);
  type RobotSelect = Awaited<ReturnType<ReturnType<typeof robotQuery>["executeTakeFirstOrThrow"]>>;
  const toRobot = (row: RobotSelect): RobotRow => ({
    id: Number(row.id),
    orgId: Number(row.org_id),
    orgName: row.org_name,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    createdAt: Number(row.created_at),
  });

  return {
    async createNamespace(row) {
      await db
        .insertInto("namespaces")
        .values({
          name: row.name,
          kind: row.kind,
          user_id: row.userId,
          org_id: row.orgId,
          public: 0,
          created_at: Date.now(),
        })
        .execute();
    },
    async findNamespace(name) {
      const row = await db.selectFrom("namespaces").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toNamespace(row) : undefined;
    },
    async listNamespaces(orgId) {
      return (await db.selectFrom("namespaces").selectAll().where("org_id", "=", orgId).orderBy("name").execute()).map(
        toNamespace,
      );
    },
    async setNamespacePublic(name, open) {
      await db
        .updateTable("namespaces")
        .set({ public: open ? 1 : 0 })
        .where("name", "=", name)
        .execute();
    },
    async repositoryPublic(repository) {
      const row = await db
        .selectFrom("repository_settings")
        .select("public")
        .where("name", "=", repository)
        .executeTakeFirst();
      return row ? Number(row.public) === 1 : undefined;
    },
    async setRepositoryPublic(repository, open) {
      await db
        .insertInto("repository_settings")
        .values({ name: repository, public: open ? 1 : 0 })
        .onConflict((c) => c.column("name").doUpdateSet({ public: open ? 1 : 0 }))
        .execute();
    },
    async grantsFor(repository) {
      const rows = await db
        .selectFrom("repository_grants")
        .selectAll()
        .where("repository", "=", repository)
        // Ids, not names: the order must not depend on the database's collation.
        .orderBy(sql`team_id is null`)
        .orderBy("team_id")
        .orderBy("user_id")
        .execute();
      return rows.map((r) => ({
        repository: r.repository,
        teamId: r.team_id === null ? null : Number(r.team_id),
        userId: r.user_id === null ? null : Number(r.user_id),
        role: r.role as Role,
      }));
    },
    async setGrant(grant) {
      await db.transaction().execute(async (trx) => {
        // NULLs never collide in the unique index, so without this lock two
        // concurrent settings on PostgreSQL both delete nothing and both insert.
        await lockKeys(trx, [`grant ${grant.repository} ${grant.teamId ?? "-"} ${grant.userId ?? "-"}`]);
        await removeGrantIn(trx, grant.repository, grant.teamId, grant.userId);
        await trx
          .insertInto("repository_grants")
          .values({ repository: grant.repository, team_id: grant.teamId, user_id: grant.userId, role: grant.role })
          .execute();
      });
    },
    async removeGrant(repository, teamId, userId) {
      await removeGrantIn(db, repository, teamId, userId);
    },
    async createToken(userId, name, tokenHash, scopes, expiresAt) {
      const row = await db
        .insertInto("api_tokens")
        .values({
          user_id: userId,
          name,
          token_hash: tokenHash,
          scopes: JSON.stringify(scopes),
          expires_at: expiresAt,
          revoked_at: null,
          created_at: Date.now(),
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toToken(row);
    },
    async findTokenByHash(tokenHash) {
      const row = await db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    async findTokenById(id) {
      const row = await db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    async listTokens(userId) {
      return (await db.selectFrom("api_tokens").selectAll().where("user_id", "=", userId).orderBy("id").execute()).map(
        toToken,
      );
    },
    async revokeToken(id, at) {
      await db
        .updateTable("api_tokens")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .execute();
    },
    async touchToken(id, at) {
      await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
    },
    async createRobot(orgId, name, secretHash, scopes) {
      const inserted = await db
        .insertInto("robots")
        .values({
          org_id: orgId,
          name,
          secret_hash: secretHash,
          scopes: JSON.stringify(scopes),
          revoked_at: null,
          created_at: Date.now(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return toRobot(await robotQuery().where("r.id", "=", inserted.id).executeTakeFirstOrThrow());
    },
    async findRobotByHash(secretHash) {
      const row = await robotQuery().where("r.secret_hash", "=", secretHash).executeTakeFirst();
      return row ? toRobot(row) : undefined;
    },
    async findRobotById(id) {
      const row = await robotQuery().where("r.id", "=", id).executeTakeFirst();
      return row ? toRobot(row) : undefined;
    },
    async listRobots(orgId) {
      return (await robotQuery().where("r.org_id", "=", orgId).orderBy("r.name").execute()).map(toRobot);
    },
    async revokeRobot(id, at) {
      await db
        .updateTable("robots")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .execute();
    },
    async appendAudit(events) {
      const rows = events.map(({ event, at }) => ({
        at,
        actor: event.actor,
        action: event.action,
        target: event.target,
        detail: event.detail === undefined ? null : JSON.stringify(event.detail),
        remote: event.remote ?? null,
      }));
      // One transaction (one fsync) per batch; rows in chunks under SQLite's variable limit.
      await db.transaction().execute(async (trx) => {
        for (let at = 0; at < rows.length; at += 100) {
          await trx
            .insertInto("audit_events")
            .values(rows.slice(at, at + 100))
            .execute();
        }
      });
    },
    async listAudit(filter, limit) {
      let query = db
        .selectFrom("audit_events")
        .selectAll()
        .where("at", ">=", filter.since)
        .orderBy("id", "desc")
        .limit(limit);
      if (filter.actor !== undefined) query = query.where("actor", "=", filter.actor);
      if (filter.action !== undefined) query = query.where("action", "=", filter.action);
      if (filter.target !== undefined) query = query.where("target", "=", filter.target);
      if (filter.targetPrefix !== undefined) {
        // substr, not LIKE: no wildcard to escape, and case-sensitive on both backends.
        const prefix = filter.targetPrefix;
        query = query.where(sql`substr(target, 1, ${[...prefix].length})`, "=", prefix);
      }
      if (filter.beforeId !== undefined) query = query.where("id", "<", filter.beforeId);
      return (await query.execute()).map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        actor: r.actor,
        action: r.action,
        target: r.target,
        detail: r.detail === null ? undefined : JSON.parse(r.detail),
        remote: r.remote,
      }));
    },
    async countFailure(key, now, windowMs) {
      return db.transaction().execute(async (trx) => {
        await lockKeys(trx, [key]);
        const row = await trx.selectFrom("login_failures").selectAll().where("key", "=", key).executeTakeFirst();
        const fresh = !row || Number(row.window_started_at) < now - windowMs;
        const failures = fresh ? 1 : Number(row.failures) + 1;
        await trx
          .insertInto("login_failures")
          .values({ key, failures, window_started_at: fresh ? now : Number(row.window_started_at) })
          .onConflict((c) =>
            c.column("key").doUpdateSet({ failures, window_started_at: fresh ? now : Number(row!.window_started_at) }),
          )
          .execute();
        return failures;
      });
    },
    async failureWindow(key, windowStart) {
      const row = await db
        .selectFrom("login_failures")
        .select(["failures", "window_started_at"])
        .where("key", "=", key)
        .where("window_started_at", ">=", windowStart)
        .executeTakeFirst();
      return row ? { failures: Number(row.failures), startedAt: Number(row.window_started_at) } : undefined;
    },
    async clearFailures(key) {
      await db.deleteFrom("login_failures").where("key", "=", key).execute();
    },
    async reserveAttempt(keys, now, windowMs, decide) {
      // One transaction: Kysely's SQLite driver holds its single connection
      // for it, so no other reservation reads between our read and our write;
      // on PostgreSQL the keys' advisory locks give the same guarantee.
      return db.transaction().execute(async (trx) => {
        await lockKeys(trx, keys);
        const rows = await trx
          .selectFrom("login_failures")
          .selectAll()
          .where("key", "in", [...keys])
          .execute();
        const windows = keys.map((key) => {
          const row = rows.find((r) => r.key === key);
          if (!row || Number(row.window_started_at) < now - windowMs) return undefined;
          return { failures: Number(row.failures), startedAt: Number(row.window_started_at) };
        });
        const refusal = decide(windows);
        if (refusal !== undefined) return refusal;
        for (const [i, key] of keys.entries()) {
          const window = windows[i];
          const values = { failures: (window?.failures ?? 0) + 1, window_started_at: window?.startedAt ?? now };
          await trx
            .insertInto("login_failures")
            .values({ key, ...values })
            .onConflict((c) => c.column("key").doUpdateSet(values))
            .execute();
        }
        return undefined;
      });
    },
    async releaseAttempt(keys) {
      if (keys.length === 0) return;
      await db
        .updateTable("login_failures")
        .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
        .where("key", "in", [...keys])
        .execute();
    },
  } satisfies AccessStore;
}

async function removeGrantIn(
  db: Kysely<Database>,
  repository: string,
  teamId: number | null,
  userId: number | null,
): Promise<void> {
  let query = db.deleteFrom("repository_grants").where("repository", "=", repository);
  query = teamId === null ? query.where("team_id", "is", null) : query.where("team_id", "=", teamId);
  query = userId === null ? query.where("user_id", "is", null) : query.where("user_id", "=", userId);
  await query.execute();
}
